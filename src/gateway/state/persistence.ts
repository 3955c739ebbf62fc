import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentState } from '../../model/types.js';

export interface StateSource {
  /** Where the state came from: a folder digest, a git commit, or an admin API call. */
  kind: 'folder' | 'git' | 'admin';
  revision: string;
}

export interface PersistedState {
  revision: number;
  digest: string;
  source: StateSource | undefined;
  state: EnvironmentState;
  savedAt: string;
}

const FILE = 'state.json';

/** Write to a temp file, fsync, rename: a crash leaves the old file or the new one, never half of one. */
export async function persistState(dir: string, value: PersistedState): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, FILE);
  const temp = `${target}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
}

export async function loadPersistedState(dir: string): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return JSON.parse(text) as PersistedState;
}
