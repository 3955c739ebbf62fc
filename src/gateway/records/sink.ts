import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { AccessRecord } from './access-record.js';

export type RecorderDestination = 'stdout' | { file: string };

export type RecorderCommand = { kind: 'records'; records: AccessRecord[] } | { kind: 'reopen' } | { kind: 'close' };

/** Records waiting for the writer beyond this are dropped (and counted): a slow disk never grows the data plane's memory. */
const MAX_PENDING = 100_000;
const BATCH = 512;

/**
 * The data plane's end of the access records: a record is appended to a batch
 * (no formatting, no I/O on this thread), and the batch goes to the writer
 * thread at the end of the event-loop turn or when it is full.
 */
export class RecordSink {
  recorded = 0;
  dropped = 0;
  private batch: AccessRecord[] = [];
  private scheduled = false;
  /** Records posted to the writer and not yet written. */
  private inFlight = 0;
  private readonly worker: Worker;

  constructor(
    readonly destination: RecorderDestination,
    logger: Logger,
  ) {
    this.worker = new Worker(new URL('./recorder-worker.js', import.meta.url), { workerData: { destination } });
    this.worker.on('error', (err) =>
      logger.error(
        { err: err.message, destination },
        'the access-record writer failed; records are dropped from now on',
      ),
    );
    this.worker.on('message', (written: number) => (this.inFlight -= written));
    this.worker.unref();
  }

  push(record: AccessRecord): void {
    if (this.inFlight + this.batch.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    this.batch.push(record);
    this.recorded++;
    if (this.batch.length >= BATCH) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Log rotation: the file is opened again (SIGHUP). */
  reopen(): void {
    this.flush();
    this.worker.postMessage({ kind: 'reopen' } satisfies RecorderCommand);
  }

  async close(): Promise<void> {
    this.flush();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ kind: 'close' } satisfies RecorderCommand);
    await exited;
  }

  private flush(): void {
    this.scheduled = false;
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    this.inFlight += records.length;
    this.worker.postMessage({ kind: 'records', records } satisfies RecorderCommand);
  }
}
