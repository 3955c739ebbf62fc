import type { ReplayRecord } from './records.js';
import type { Verdict } from './verdict.js';

/** One side of a comparison: what it does with each recorded request. */
export interface ReplaySide {
  /** How reports name it: a ref and commit, the working tree, or the recording. */
  label: string;
  /** The API that serves the request on this side (null: none). */
  route(record: ReplayRecord): string | null;
  decide(record: ReplayRecord): Verdict | Promise<Verdict>;
  close(): Promise<void>;
}

/** The recording itself: what the gateway did when the requests were served. */
export function recordedSide(label = 'the recording'): ReplaySide {
  return {
    label,
    route: (record) => record.api,
    decide: (record) => recordedVerdict(record),
    close: async () => undefined,
  };
}

export function recordedVerdict(record: ReplayRecord): Verdict {
  if (record.api === null) return { outcome: 'unrouted' };
  if (record.answeredBy !== undefined) return { outcome: 'refused', status: record.status, policy: record.answeredBy };
  return { outcome: 'admitted' };
}
