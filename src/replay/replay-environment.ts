import type { ManifestSet } from '../manifest/types.js';
import { environmentState } from '../model/normalize.js';
import { runReplay } from './engine.js';
import { readRecords } from './read-records.js';
import type { ReplayReport } from './report.js';
import { recordedSide, type ReplaySide } from './side.js';
import { compiledSide } from './compiled-side.js';
import { VirtualClock } from './virtual-clock.js';
import { replayNotes } from './notes.js';

/** A side given as manifests, or the recording itself. */
export type SideSource = { label: string; manifests: ManifestSet } | { label: string; recorded: true };

export interface ReplayEnvironmentOptions {
  files: string[];
  environment: string;
  base: SideSource;
  head: { label: string; manifests: ManifestSet };
  /** Where custom policy modules are resolved from. */
  baseDir: string;
}

/**
 * Replays the records of one environment through the base and the head. No
 * secret is read and no upstream called: chains are compiled with stand-ins
 * for their secrets, and identities come from the records.
 */
export async function replayEnvironment(options: ReplayEnvironmentOptions): Promise<ReplayReport> {
  const clock = new VirtualClock();
  const sides: ReplaySide[] = [];
  const side = async (source: SideSource) => {
    const made =
      'recorded' in source
        ? recordedSide(source.label)
        : await compiledSide(
            source.label,
            environmentState(source.manifests, options.environment),
            clock,
            options.baseDir,
          );
    sides.push(made);
    return made;
  };
  try {
    const base = await side(options.base);
    const head = await side(options.head);
    const stream = readRecords(options.files, options.environment);
    const notes = replayNotes(
      'manifests' in options.base ? options.base.manifests : undefined,
      options.head.manifests,
      options.environment,
    );
    return await runReplay({ stream, files: options.files, base, head, clock, notes });
  } finally {
    await Promise.all(sides.map((s) => s.close()));
  }
}
