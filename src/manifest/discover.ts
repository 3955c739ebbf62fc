import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml']);
const SKIPPED_DIRS = new Set(['node_modules', '.git']);

/** Every .yaml/.yml file under the given files and folders, sorted, each once. */
export async function discoverManifestFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  const files = new Set<string>();
  const missing: string[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      missing.push(p);
      continue;
    }
    if (info.isDirectory()) await walk(p, files);
    else files.add(path.normalize(p));
  }
  return { files: [...files].sort(), missing };
}

async function walk(dir: string, into: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await walk(full, into);
    else if (entry.isFile() && MANIFEST_EXTENSIONS.has(path.extname(entry.name))) into.add(path.normalize(full));
  }
}

export interface FileStat {
  file: string;
  size: number;
  mtimeMs: number;
}

/** Size and modification time of each file; a file that vanished meanwhile is left out (reading it reports it). */
export async function statFiles(files: readonly string[]): Promise<FileStat[]> {
  const stats = await Promise.all(files.map((file) => stat(file).then((s) => ({ file, size: s.size, mtimeMs: s.mtimeMs }), () => undefined)));
  return stats.filter((s): s is FileStat => s !== undefined);
}
