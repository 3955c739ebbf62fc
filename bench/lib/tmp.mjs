import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trackDir, untrackDir } from './cleanup.mjs';

/** A fresh directory under the OS tmp dir, removed by removeTmpDir() or at process exit. */
export async function makeTmpDir(prefix = 'tollgate-bench-') {
  return trackDir(await mkdtemp(path.join(tmpdir(), prefix)));
}

export async function removeTmpDir(dir) {
  await rm(dir, { recursive: true, force: true });
  untrackDir(dir);
}
