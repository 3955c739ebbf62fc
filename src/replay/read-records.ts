import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { parseRecordLine, type RecordProblem, type ReplayRecord } from './records.js';

/** A record written this much later than a newer one is still put back in order (a slow response is recorded when it ends). */
export const REORDER_WINDOW_MS = 5 * 60_000;

export interface RecordStream {
  records: AsyncIterable<ReplayRecord>;
  /** Lines that are not records, filled while `records` is read (the first 20 are kept). */
  problems: RecordProblem[];
  /** How many lines were skipped in all. */
  skipped(): number;
  /** Records older than the reorder window allows: replayed at the time the clock already reached. */
  late(): number;
  /** Records of other environments, left out. */
  otherEnvironments(): number;
}

const KEPT_PROBLEMS = 20;
/** At most this many records wait to be put in order (memory stays bounded however busy the window was). */
const MAX_BUFFERED = 100_000;

/**
 * Reads NDJSON access records from several files (each node writes its own)
 * as one stream in time order: the files are merged, and records within
 * REORDER_WINDOW_MS of the newest one are sorted on the way. Blank lines are
 * ignored; lines that are not records are skipped and counted, and so are
 * records of another environment than `environment`.
 */
export function readRecords(files: readonly string[], environment?: string): RecordStream {
  const problems: RecordProblem[] = [];
  let skipped = 0;
  let late = 0;
  let others = 0;
  const onProblem = (problem: RecordProblem) => {
    skipped++;
    if (problems.length < KEPT_PROBLEMS) problems.push(problem);
  };
  async function* ordered(): AsyncGenerator<ReplayRecord> {
    const heap = new RecordHeap();
    let newest = -Infinity;
    let released = -Infinity;
    const release = function* (upTo: number) {
      while (heap.size > 0 && (heap.peek().time <= upTo || heap.size > MAX_BUFFERED)) {
        const next = heap.pop();
        released = next.time;
        yield next;
      }
    };
    for await (const record of mergeFiles(files, onProblem)) {
      if (environment !== undefined && record.environment !== undefined && record.environment !== environment) {
        others++;
        continue;
      }
      if (record.time < released) {
        late++;
        record.time = released;
      }
      heap.push(record);
      if (record.time > newest) newest = record.time;
      yield* release(newest - REORDER_WINDOW_MS);
    }
    yield* release(Infinity);
  }
  return { records: ordered(), problems, skipped: () => skipped, late: () => late, otherEnvironments: () => others };
}

/** The files' records interleaved: each file is read line by line, all of them at once. */
async function* mergeFiles(
  files: readonly string[],
  onProblem: (p: RecordProblem) => void,
): AsyncGenerator<ReplayRecord> {
  if (files.length === 1) {
    yield* fileRecords(files[0] as string, onProblem);
    return;
  }
  const readers = files.map((file) => fileRecords(file, onProblem)[Symbol.asyncIterator]());
  const heads = await Promise.all(readers.map((r) => r.next()));
  for (;;) {
    let best = -1;
    heads.forEach((head, i) => {
      if (!head.done && (best === -1 || head.value.time < (heads[best]!.value as ReplayRecord).time)) best = i;
    });
    if (best === -1) return;
    yield heads[best]!.value as ReplayRecord;
    heads[best] = await readers[best]!.next();
  }
}

/** One file's records (gunzipped when its name ends in .gz); a file that cannot be read to its end is a problem, not a crash. */
async function* fileRecords(file: string, onProblem: (p: RecordProblem) => void): AsyncGenerator<ReplayRecord> {
  const raw = createReadStream(file);
  const input = file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => input.destroy(err));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const parsed = parseRecordLine(text);
      if (typeof parsed === 'string') onProblem({ file, line, message: parsed });
      else yield parsed;
    }
  } catch (err) {
    onProblem({ file, line: line + 1, message: `the file could not be read further: ${(err as Error).message}` });
  }
}

interface Entry {
  record: ReplayRecord;
  /** Arrival order: records of the same millisecond keep it, so a replay is the same every time. */
  seq: number;
}

const before = (a: Entry, b: Entry) =>
  a.record.time < b.record.time || (a.record.time === b.record.time && a.seq < b.seq);

/** A binary min-heap of records by time, then arrival. */
class RecordHeap {
  private readonly items: Entry[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  peek(): ReplayRecord {
    return (this.items[0] as Entry).record;
  }

  push(record: ReplayRecord): void {
    const items = this.items;
    const entry = { record, seq: this.seq++ };
    let i = items.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, items[parent] as Entry)) break;
      items[i] = items[parent] as Entry;
      i = parent;
    }
    items[i] = entry;
  }

  pop(): ReplayRecord {
    const items = this.items;
    const top = items[0] as Entry;
    const last = items.pop() as Entry;
    if (items.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= items.length) break;
        const right = left + 1;
        const child = right < items.length && before(items[right] as Entry, items[left] as Entry) ? right : left;
        if (!before(items[child] as Entry, last)) break;
        items[i] = items[child] as Entry;
        i = child;
      }
      items[i] = last;
    }
    return top.record;
  }
}
