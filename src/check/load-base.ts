import { loadManifestTexts, type LoadResult } from '../manifest/load.js';
import type { ManifestSet } from '../manifest/types.js';
import type { ManifestText } from './read-side.js';

/**
 * Loads the base, reusing the head's parsed manifests for every file whose
 * text is the same on both sides: a pull request touches a few files of a
 * large repository, so only those are parsed twice. Sharing the objects also
 * lets the diff stop at the first identical reference.
 */
export function loadBase(
  baseTexts: readonly ManifestText[],
  headTexts: readonly ManifestText[],
  head: LoadResult,
): LoadResult {
  const headText = new Map(headTexts.map((t) => [t.file, t.text]));
  const unchanged = new Set(baseTexts.filter((t) => headText.get(t.file) === t.text).map((t) => t.file));
  const loaded = loadManifestTexts(baseTexts.filter((t) => !unchanged.has(t.file)));
  const reused = <T extends { source: { file: string } }>(list: readonly T[]) =>
    list.filter((m) => unchanged.has(m.source.file));
  const manifests: ManifestSet = {
    environments: [...reused(head.manifests.environments), ...loaded.manifests.environments],
    apis: [...reused(head.manifests.apis), ...loaded.manifests.apis],
    applications: [...reused(head.manifests.applications), ...loaded.manifests.applications],
    certificates: [...reused(head.manifests.certificates ?? []), ...(loaded.manifests.certificates ?? [])],
    alerts: [...reused(head.manifests.alerts ?? []), ...(loaded.manifests.alerts ?? [])],
    invalidNames: loaded.manifests.invalidNames,
  };
  const diagnostics = [
    ...head.diagnostics.filter((d) => d.file !== undefined && unchanged.has(d.file)),
    ...loaded.diagnostics,
  ];
  return { manifests, diagnostics, files: baseTexts.map((t) => t.file), digest: loaded.digest };
}

/** Manifest files that differ between base and head (added, removed or edited). */
export function changedFiles(baseTexts: readonly ManifestText[], headTexts: readonly ManifestText[]): string[] {
  const base = new Map(baseTexts.map((t) => [t.file, t.text]));
  const head = new Map(headTexts.map((t) => [t.file, t.text]));
  const files = new Set([...base.keys(), ...head.keys()]);
  return [...files].filter((f) => base.get(f) !== head.get(f)).sort();
}
