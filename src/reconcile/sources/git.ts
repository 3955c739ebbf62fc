import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import type { ManifestSource, SourceSnapshot } from './types.js';

export interface GitSourceOptions {
  /** URL or local path of the repository. */
  url: string;
  branch: string;
  /** Folder inside the repository holding the manifests ('' for the root). */
  subPath: string;
  /** Where the working copy is kept. */
  workdir: string;
  /** Poll interval; a random ±10% spreads the fetches of several reconcilers. */
  intervalMs: number;
}

/**
 * A branch of a git repository: cloned once, then fetched on every reconcile
 * (poll timer, webhook, retry) and checked out detached at the branch head.
 * A force-push is just another head; an unreachable remote is an error the
 * reconciler reports while the last applied revision keeps serving.
 */
export class GitSource implements ManifestSource {
  readonly kind = 'git' as const;
  readonly description: string;
  private git: SimpleGit | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checkedOut: string | undefined;

  constructor(private readonly options: GitSourceOptions) {
    this.description = `git ${redactUrl(options.url)} ${options.branch}${options.subPath ? `:${options.subPath}` : ''}`;
  }

  private async repository(): Promise<SimpleGit> {
    if (this.git) return this.git;
    const { workdir, url, branch } = this.options;
    if (!existsSync(path.join(workdir, '.git'))) {
      await mkdir(path.dirname(workdir), { recursive: true });
      await simpleGit({ timeout: { block: 60_000 } }).clone(url, workdir, [
        '--branch',
        branch,
        '--single-branch',
        '--no-tags',
      ]);
    }
    this.git = simpleGit(workdir, { timeout: { block: 60_000 } });
    return this.git;
  }

  async snapshot(): Promise<SourceSnapshot> {
    const git = await this.repository();
    const { branch, subPath, workdir } = this.options;
    // The + refspec accepts force-pushes; --prune drops a deleted branch's stale ref.
    await git.fetch('origin', `+refs/heads/${branch}:refs/remotes/origin/${branch}`, ['--prune', '--no-tags']);
    const head = (await git.revparse([`refs/remotes/origin/${branch}`])).trim();
    if (head !== this.checkedOut) {
      await git.checkout(['--force', '--detach', head]);
      await git.clean('f', ['-d', '-x']);
      this.checkedOut = head;
    }
    return { revision: head, paths: [path.join(workdir, subPath)] };
  }

  async watch(onChange: (trigger: string) => void): Promise<void> {
    const schedule = () => {
      const jitter = this.options.intervalMs * (0.9 + Math.random() * 0.2);
      this.timer = setTimeout(() => {
        onChange('poll');
        schedule();
      }, jitter);
      this.timer.unref();
    };
    schedule();
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Credentials in a URL are never logged or shown. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.username) parsed.username = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
