import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml']);

/** Whether discovery looks at an entry of a folder it walks: not at hidden ones (`.x`, `..data`, `.git`), nor node_modules. */
export function isDiscovered(name: string): boolean {
  return !name.startsWith('.') && name !== 'node_modules';
}

/** Whether a file found in a folder is a manifest: .yaml or .yml. */
export function isManifestName(name: string): boolean {
  return MANIFEST_EXTENSIONS.has(path.extname(name));
}

export interface DiscoverOptions {
  /** Follow links that lead outside the folder given (default: such links are not followed, and reported). */
  followExternalLinks?: boolean;
}

/** A link discovery did not follow, and why. */
export interface SkippedLink {
  path: string;
  reason: string;
}

export interface Discovered {
  files: string[];
  missing: string[];
  skippedLinks: SkippedLink[];
}

/**
 * Every .yaml/.yml file under the given files and folders, sorted, each once.
 * Links are followed inside the folder given, so a Kubernetes ConfigMap
 * mounted as a folder (`orders.yaml` → `..data/orders.yaml`, `..data` → a
 * timestamped folder) reads as the files it holds, under the names the links
 * have. A file reached twice (a link beside its target) is read once, under
 * the first name in order; a link that leads outside the folder (unless
 * `followExternalLinks`), into a loop, or nowhere is not followed and is
 * reported. Hidden entries (`.x`, `..data`) and node_modules are not walked.
 */
export async function discoverManifestFiles(
  paths: readonly string[],
  options: DiscoverOptions = {},
): Promise<Discovered> {
  const found: { file: string; real: string }[] = [];
  const missing: string[] = [];
  const skippedLinks: SkippedLink[] = [];
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      missing.push(p);
      continue;
    }
    const real = await realpath(p);
    if (info.isDirectory()) await walk(p, real, { root: real, visited: new Set([real]), found, skippedLinks, options });
    else found.push({ file: path.normalize(p), real });
  }
  found.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const seen = new Set<string>();
  const files: string[] = [];
  for (const f of found) {
    if (seen.has(f.real)) continue;
    seen.add(f.real);
    files.push(f.file);
  }
  return { files, missing, skippedLinks };
}

interface Walk {
  root: string;
  /** Real paths of the folders on the way down: a link back into one of them is a loop. */
  visited: Set<string>;
  found: { file: string; real: string }[];
  skippedLinks: SkippedLink[];
  options: DiscoverOptions;
}

const inside = (root: string, real: string) =>
  real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);

/** `real`: the folder's real path. An entry that is no link is where its folder is: only links need a realpath. */
async function walk(dir: string, real: string, w: Walk): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (!isDiscovered(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await walkInto(full, path.join(real, entry.name), w);
    } else if (entry.isFile()) {
      if (isManifestName(entry.name)) w.found.push({ file: path.normalize(full), real: path.join(real, entry.name) });
    } else if (entry.isSymbolicLink()) {
      await followLink(full, entry.name, w);
    }
  }
}

async function walkInto(dir: string, real: string, w: Walk): Promise<void> {
  if (w.visited.has(real)) {
    w.skippedLinks.push({ path: dir, reason: `a link back into ${real}, a folder already on the way down (a loop)` });
    return;
  }
  w.visited.add(real);
  try {
    await walk(dir, real, w);
  } finally {
    w.visited.delete(real);
  }
}

async function followLink(link: string, name: string, w: Walk): Promise<void> {
  let real: string;
  let info;
  try {
    real = await realpath(link);
    info = await stat(real);
  } catch {
    // A dangling link to something that is not a manifest is not worth a word.
    if (isManifestName(name)) w.skippedLinks.push({ path: link, reason: 'a link that leads nowhere' });
    return;
  }
  if (!info.isDirectory() && !(info.isFile() && isManifestName(name))) return;
  if (!inside(w.root, real) && !w.options.followExternalLinks) {
    w.skippedLinks.push({
      path: link,
      reason: `a link to ${real}, outside ${w.root}: not followed (--follow-external-links follows it)`,
    });
    return;
  }
  if (info.isDirectory()) await walkInto(link, real, w);
  else w.found.push({ file: path.normalize(link), real });
}

export interface FileStat {
  file: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

/** Size and modification time of each file; a file that vanished meanwhile is left out (reading it reports it). */
async function statFiles(files: readonly string[]): Promise<FileStat[]> {
  const stats = await Promise.all(
    files.map((file) =>
      stat(file).then(
        (s) => ({ file, size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino }),
        () => undefined,
      ),
    ),
  );
  return stats.filter((s): s is FileStat => s !== undefined);
}

/** What a revision's manifests are, before any is read: the files discovery found, and their stats. */
export interface Inventory extends Discovered {
  stats: FileStat[];
}

/** Discovers and stats once per revision: what guards the read and the read itself share. */
export async function takeInventory(paths: readonly string[], options: DiscoverOptions = {}): Promise<Inventory> {
  const discovered = await discoverManifestFiles(paths, options);
  return { ...discovered, stats: await statFiles(discovered.files) };
}
