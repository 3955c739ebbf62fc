import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real git repository in a temp dir, committed to with the git CLI. */
export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(file: string, text: string): Promise<void>;
  /** Commits everything and returns the new commit's SHA. */
  commit(message: string): string;
}

export async function createRepo(branch = 'main'): Promise<TestRepo> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-git-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1' } }).trim();
  git('init', '-q', '-b', branch);
  git('config', 'user.email', 'tests@tollgate.dev');
  git('config', 'user.name', 'tollgate tests');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    write: async (file, text) => {
      await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
      await writeFile(path.join(dir, file), text);
    },
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
