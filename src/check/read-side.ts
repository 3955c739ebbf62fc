import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from '../codeowners/codeowners.js';
import { readObjects } from '../git/cat-file.js';
import { displayPath, repositoryPath, type Repository } from '../git/repository.js';
import { listFiles } from '../git/tree.js';
import { discoverManifestFiles, isDiscovered, isManifestName, type DiscoverOptions } from '../manifest/discover.js';
import type { ManifestSet } from '../manifest/types.js';
import type { CustomConfig } from '../policies/custom/index.js';
import type { AuxiliaryReader } from '../validate/custom-policies.js';

export interface ManifestText {
  /** Named as the user would: relative to the current directory. */
  file: string;
  text: string;
}

/** The manifests under `paths` as they are in `commit`, read straight from the object store. */
export async function manifestTextsAt(
  repo: Repository,
  commit: string,
  paths: readonly string[],
): Promise<ManifestText[]> {
  const specs = paths.map((p) => repositoryPath(repo, p));
  const entries = await listFiles(repo, commit, specs);
  const wanted = entries.filter((entry) =>
    specs.some((spec) => {
      // A file named explicitly is read whatever its name, as discovery does.
      if (entry.path === spec) return true;
      if (spec !== '' && !entry.path.startsWith(`${spec}/`)) return false;
      const below = (spec === '' ? entry.path : entry.path.slice(spec.length + 1)).split('/');
      // The rules of discovery on disk (src/manifest/discover.ts), applied to the path below the folder named.
      return isManifestName(entry.path) && below.every(isDiscovered);
    }),
  );
  const blobs = await readObjects(repo, [...new Set(wanted.map((e) => e.blob))]);
  return wanted
    .map((entry) => ({ file: displayPath(repo, entry.path), text: blobs.get(entry.blob)?.toString('utf8') ?? '' }))
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/** The manifests under `paths` on disk (the working tree), with the problems `tollgate validate` reports for missing paths. */
export async function manifestTextsOnDisk(
  paths: readonly string[],
  options: DiscoverOptions = {},
): Promise<{ texts: ManifestText[]; diagnostics: Diagnostic[] }> {
  const { files, missing, skippedLinks } = await discoverManifestFiles(
    paths.map((p) => path.resolve(p)),
    options,
  );
  const diagnostics = missing.map((p) =>
    diagnostic('TG_FILE_UNREADABLE', `no such file or folder: ${path.relative(process.cwd(), p) || '.'}`),
  );
  for (const link of skippedLinks) {
    const file = path.relative(process.cwd(), link.path);
    diagnostics.push(diagnostic('TG_LINK_NOT_FOLLOWED', `${file} is ${link.reason}`, { file, line: 1, col: 1 }));
  }
  const texts: ManifestText[] = [];
  for (const file of files) {
    try {
      texts.push({ file: path.relative(process.cwd(), file), text: await readFile(file, 'utf8') });
    } catch (err) {
      diagnostics.push(
        diagnostic('TG_FILE_UNREADABLE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`),
      );
    }
  }
  if (files.length === 0 && missing.length === 0)
    diagnostics.push(diagnostic('TG_NO_MANIFESTS', `no .yaml or .yml manifest under ${paths.join(', ')}`));
  return { texts, diagnostics };
}

/** Files custom policies name (modules, schemas), resolved as validation resolves them. */
function customPolicyFiles(set: ManifestSet): string[] {
  const files: string[] = [];
  for (const manifest of [...set.environments, ...set.apis]) {
    for (const policy of manifest.spec.policies) {
      if (policy.type !== 'custom') continue;
      const config = policy.config as unknown as CustomConfig;
      const dir = path.dirname(manifest.source.file);
      files.push(path.resolve(dir, config.module));
      if (config.schema !== undefined) files.push(path.resolve(dir, config.schema));
    }
  }
  return files;
}

/** Reads the files custom policies name from `commit` (validation's reader is synchronous: they are fetched first). */
export async function auxiliaryReaderAt(repo: Repository, commit: string, set: ManifestSet): Promise<AuxiliaryReader> {
  const files = customPolicyFiles(set);
  const names = new Map(
    files.map((file) => [file, `${commit}:${repositoryPath(repo, path.relative(process.cwd(), file))}`]),
  );
  const objects = await readObjects(repo, [...new Set(names.values())]);
  return (file) => {
    const name = names.get(file);
    return name === undefined ? undefined : objects.get(name)?.toString('utf8');
  };
}

/** The repository's CODEOWNERS at `commit` (or on disk), from the first location GitHub looks at. */
export async function readCodeowners(repo: Repository, commit: string | undefined): Promise<Codeowners | undefined> {
  if (commit !== undefined) {
    const names = CODEOWNERS_LOCATIONS.map((location) => `${commit}:${location}`);
    const objects = await readObjects(repo, names);
    for (const [i, location] of CODEOWNERS_LOCATIONS.entries()) {
      const text = objects.get(names[i] as string);
      if (text !== undefined) return parseCodeowners(location, text.toString('utf8'));
    }
    return undefined;
  }
  for (const location of CODEOWNERS_LOCATIONS) {
    try {
      return parseCodeowners(location, await readFile(path.join(repo.root, location), 'utf8'));
    } catch {
      /* not at this location */
    }
  }
  return undefined;
}
