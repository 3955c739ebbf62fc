import type { Repository } from './repository.js';

/** One file of a commit's tree. */
export interface TreeEntry {
  /** Path inside the repository, posix separators. */
  path: string;
  /** The blob's object id. */
  blob: string;
}

/**
 * Every file (blob) of `commit` under the given repository paths ('' = everything),
 * recursively, without checking anything out.
 */
export async function listFiles(repo: Repository, commit: string, repoPaths: readonly string[]): Promise<TreeEntry[]> {
  const specs = repoPaths.includes('') ? [] : [...repoPaths];
  const out = await repo.git.raw(['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...specs]);
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    // "<mode> SP <type> SP <object> TAB <path>"
    const tab = record.indexOf('\t');
    const [, type, blob] = record.slice(0, tab).split(' ');
    if (type !== 'blob' || blob === undefined) continue;
    entries.push({ path: record.slice(tab + 1), blob });
  }
  return entries;
}
