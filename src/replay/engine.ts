import type { RecordStream } from './read-records.js';
import type { ReplayRecord } from './records.js';
import { ReportBuilder, type ReplayReport } from './report.js';
import type { ReplaySide } from './side.js';
import { sameVerdict, type Verdict } from './verdict.js';
import type { VirtualClock } from './virtual-clock.js';

export interface ReplayRun {
  stream: RecordStream;
  files: string[];
  base: ReplaySide;
  head: ReplaySide;
  clock: VirtualClock;
  notes: string[];
}

/**
 * Every record through both sides, in time order, on the virtual clock: a
 * side's counters see the records' own times, and a request a policy holds
 * (spike control) waits in virtual time while later ones arrive.
 */
export async function runReplay(run: ReplayRun): Promise<ReplayReport> {
  const { stream, base, head, clock } = run;
  const builder = new ReportBuilder();
  const pending = new Set<Promise<void>>();
  let replayed = 0;
  const collect = (record: ReplayRecord, b: Verdict, h: Verdict) =>
    builder.add(record, head.route(record) ?? base.route(record), b, h, !sameVerdict(b, h));
  for await (const record of stream.records) {
    replayed++;
    if (clock.sleeping > 0) await clock.advanceTo(record.time);
    else clock.set(record.time);
    const b = base.decide(record);
    const h = head.decide(record);
    if (!(b instanceof Promise) && !(h instanceof Promise)) {
      collect(record, b, h);
      continue;
    }
    const both = Promise.all([b, h]).then(([bv, hv]) => collect(record, bv, hv));
    pending.add(both);
    void both.finally(() => pending.delete(both));
  }
  await clock.advanceTo(Infinity);
  await Promise.all(pending);
  return builder.build({
    base: base.label,
    head: head.label,
    records: {
      files: run.files,
      replayed,
      skipped: stream.skipped(),
      late: stream.late(),
      otherEnvironments: stream.otherEnvironments(),
      problems: stream.problems,
      from: null,
      to: null,
    },
    notes: run.notes,
  });
}
