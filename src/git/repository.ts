import { realpathSync } from 'node:fs';
import path from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { TollgateError } from '../errors/catalog.js';

/** A git working copy, and where the current directory stands in it. */
export interface Repository {
  /** Absolute path of the top-level folder (symlinks resolved). */
  root: string;
  /** The directory paths are given relative to (symlinks resolved, so it compares with root). */
  cwd: string;
  git: SimpleGit;
}

export async function openRepository(cwd: string): Promise<Repository> {
  const real = realpathSync(cwd);
  let root: string;
  try {
    root = (await simpleGit(real).revparse(['--show-toplevel'])).trim();
  } catch {
    throw new TollgateError('TG_GIT', `${cwd} is not inside a git repository`);
  }
  return { root: realpathSync(root), cwd: real, git: simpleGit(root) };
}

/** The commit a ref names; an unknown ref is an error that says how to get it. */
export async function resolveCommit(repo: Repository, ref: string): Promise<string> {
  try {
    return (await repo.git.revparse(['--verify', '--end-of-options', `${ref}^{commit}`])).trim();
  } catch {
    throw new TollgateError(
      'TG_GIT',
      `unknown revision "${ref}" in ${repo.root}: fetch it first (e.g. git fetch origin ${ref}; in GitHub Actions check out with fetch-depth: 0)`,
    );
  }
}

/** A path the user gave (relative to cwd) as a path inside the repository, '' for its root; posix separators. */
export function repositoryPath(repo: Repository, userPath: string): string {
  const relative = path.relative(repo.root, path.resolve(repo.cwd, userPath));
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new TollgateError('TG_GIT', `${userPath} is outside the git repository ${repo.root}`);
  }
  return relative.split(path.sep).join('/');
}

/** A path inside the repository as the user would name it: relative to cwd, like `tollgate validate` names files. */
export function displayPath(repo: Repository, repoPath: string): string {
  return path.relative(repo.cwd, path.join(repo.root, repoPath)) || '.';
}

/**
 * The base `check` compares with when none is given: the remote's default
 * branch (`origin/HEAD`, which a clone sets: `origin/trunk` in a repository
 * whose default branch is trunk), else the first of main, master,
 * origin/main, origin/master that exists.
 */
export async function defaultBase(repo: Repository): Promise<string> {
  try {
    const head = (await repo.git.raw(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
    if (head.startsWith('refs/remotes/')) return head.slice('refs/remotes/'.length);
  } catch {
    /* no remote default branch recorded */
  }
  for (const candidate of ['main', 'master', 'origin/main', 'origin/master']) {
    try {
      if (!(await repo.git.revparse(['--verify', '--end-of-options', `${candidate}^{commit}`])).trim()) continue;
      return candidate;
    } catch {
      /* try the next one */
    }
  }
  throw new TollgateError(
    'TG_GIT',
    `no base given and none found in ${repo.root}: neither origin/HEAD nor a main or master branch exists; pass --base REF`,
  );
}
