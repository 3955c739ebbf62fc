import { mkdir, readdir, readlink, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

let generation = 0;

/**
 * Writes `files` into `dir` the way the kubelet updates a ConfigMap mounted
 * as a volume (its AtomicWriter): the files go into a new timestamped folder
 * `..<ts>`, a link `..data_tmp` to it is renamed over `..data` (the atomic
 * swap), each file name is a link to `..data/<name>`, and the previous
 * timestamped folder is removed.
 */
export async function writeConfigMap(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  const before = (await readdir(dir)).filter((n) => n.startsWith('..') && n !== '..data' && n !== '..data_tmp');
  const stamp = `..2026_12_01_12_00_00.${process.pid}_${++generation}`;
  await mkdir(path.join(dir, stamp));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, stamp, name), text);
  await symlink(stamp, path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  const existing = new Set(await readdir(dir));
  for (const name of Object.keys(files))
    if (!existing.has(name)) await symlink(path.join('..data', name), path.join(dir, name));
  for (const name of existing) {
    if (name.startsWith('.') || name in files) continue;
    // A key removed from the ConfigMap: its link goes.
    if ((await readlink(path.join(dir, name)).catch(() => undefined))?.startsWith('..data'))
      await unlink(path.join(dir, name));
  }
  for (const old of before) await rm(path.join(dir, old), { recursive: true, force: true });
}
