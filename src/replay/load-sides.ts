import path from 'node:path';
import { manifestTextsAt, manifestTextsOnDisk } from '../check/read-side.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { openRepository, resolveCommit } from '../git/repository.js';
import { loadManifestTexts } from '../manifest/load.js';
import type { ManifestSet } from '../manifest/types.js';
import { finish } from '../validate/index.js';
import type { SideSource } from './replay-environment.js';

export interface SideRequest {
  paths: string[];
  followExternalLinks?: boolean;
  /** A git ref; undefined: the working tree (files on disk). */
  ref?: string;
}

export type LoadedSide =
  | { ok: true; side: { label: string; manifests: ManifestSet } }
  | { ok: false; label: string; diagnostics: Diagnostic[] };

/** The manifests of one side, validated: a side with errors is not replayed (its chains would not be what a gateway runs). */
export async function loadSide(request: SideRequest): Promise<LoadedSide> {
  let label: string;
  let loaded;
  if (request.ref === undefined) {
    const { texts, diagnostics } = await manifestTextsOnDisk(request.paths, {
      followExternalLinks: request.followExternalLinks ?? false,
    });
    loaded = loadManifestTexts(texts);
    loaded.diagnostics.unshift(...diagnostics);
    label = `working tree (${request.paths.join(', ')})`;
  } else {
    const repo = await openRepository(process.cwd());
    const commit = await resolveCommit(repo, request.ref);
    loaded = loadManifestTexts(await manifestTextsAt(repo, commit, request.paths));
    label = `${request.ref} (${commit.slice(0, 12)})`;
  }
  const validated = finish(loaded);
  const errors = validated.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) return { ok: false, label, diagnostics: errors };
  return { ok: true, side: { label, manifests: validated.manifests } };
}

/** The environment to replay: the one asked for, else the only one the head defines. */
export function pickEnvironment(
  head: ManifestSet,
  asked: string | undefined,
): { environment: string } | { error: string } {
  const names = head.environments.map((e) => e.name);
  if (asked !== undefined)
    return names.includes(asked)
      ? { environment: asked }
      : { error: `environment "${asked}" is not defined (defined: ${names.join(', ') || 'none'})` };
  if (names.length === 1) return { environment: names[0] as string };
  return {
    error: `the manifests define ${names.length} environments (${names.join(', ')}): name the one the records come from with --env`,
  };
}

export const RECORDING: SideSource = { label: 'the recording', recorded: true };

/** Where custom policy modules of the working tree resolve from. */
export function replayBaseDir(paths: readonly string[]): string {
  return path.resolve(paths[0] ?? '.');
}
