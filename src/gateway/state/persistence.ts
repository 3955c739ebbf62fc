import { mkdir, open, readFile, readdir, rename, rm } from 'node:fs/promises';
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
const TEMP = /^state\.json\.\d+(\.\d+)?\.tmp$/;
let writes = 0;

/**
 * Durable and atomic: write a temp file, fsync it, rename it over state.json,
 * fsync the folder. When this resolves, a crash at any moment (kill -9, power
 * loss) leaves this state or a later one on disk, never an earlier one nor half
 * of one. `apiJson` keeps each API's JSON: states share unchanged APIs, so a
 * reload serializes only what changed.
 */
export async function persistState(
  dir: string,
  value: PersistedState,
  apiJson?: WeakMap<object, string>,
): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, FILE);
  const temp = `${target}.${process.pid}.${++writes}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(serialize(value, apiJson));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, target);
  await syncFolder(dir);
}

/** A rename is durable once the folder holding it is flushed. */
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** JSON.stringify(value), with the APIs' JSON taken from (and kept in) the cache. */
function serialize(value: PersistedState, apiJson: WeakMap<object, string> | undefined): string {
  const { state, ...header } = value;
  const apis = state.apis.map((api) => {
    let json = apiJson?.get(api);
    if (json === undefined) {
      json = JSON.stringify(api);
      apiJson?.set(api, json);
    }
    return json;
  });
  const head = JSON.stringify(header).slice(0, -1);
  return `${head}${head.length > 1 ? ',' : ''}"state":{"environment":${JSON.stringify(state.environment)},"apis":[${apis.join(',')}],"applications":${JSON.stringify(state.applications)}${state.certificates ? `,"certificates":${JSON.stringify(state.certificates)}` : ''}}}`;
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

/** Temp files of writes a crash interrupted: never renamed, so never the state; removed at start. */
export async function removeInterruptedWrites(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const leftovers = names.filter((name) => TEMP.test(name));
  await Promise.all(leftovers.map((name) => rm(path.join(dir, name), { force: true })));
  return leftovers;
}
