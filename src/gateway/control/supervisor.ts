import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ControlRestarts } from '../admin/server.js';
import type { DataPlaneRuntime } from '../data-plane/runtime.js';
import { serveLink } from './link.js';
import type { ControlWorkerData, WorkerEvent } from './protocol.js';
import { backoffDelay } from '../../util/retry.js';

export interface SupervisorOptions {
  runtime: DataPlaneRuntime;
  logger: Logger;
  data: Omit<ControlWorkerData, 'resumed' | 'restarts' | 'poisoned'>;
  /** Heap of the control worker (MiB): a repository that needs more fails that one reconcile, not the process. */
  maxHeapMb: number;
}

const RESTART_BASE_MS = 100;
const RESTART_MAX_MS = 30_000;
/** A worker that ran this long without crashing resets the backoff. */
const STABLE_MS = 60_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;

/**
 * Runs the control side in a worker thread with a bounded heap and keeps it
 * running: a worker that dies (out of memory, an uncaught error) is logged,
 * counted (status and metrics of its successor report it) and restarted with
 * backoff, while the data plane goes on serving what it serves. Manifests that
 * were being read when it died are not read again until they change.
 */
export class ControlSupervisor {
  readonly restarts: ControlRestarts = { count: 0 };
  private worker: Worker | undefined;
  private reading: string | undefined;
  private poisoned: string | undefined;
  private closing = false;
  private backoff = 0;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private adminListen: ControlWorkerData['adminListen'];
  /** A worker is running and has said it is ready (false while one is restarted). */
  controlUp = false;
  private metricsRequests = new Map<number, (text: string | undefined) => void>();
  private nextMetricsId = 0;
  private markSettled: () => void = () => {};
  /** Resolves once the first worker's reconcile loop (embedded mode) ran once, or at once without one. */
  readonly settled = new Promise<void>((resolve) => (this.markSettled = resolve));

  constructor(private readonly options: SupervisorOptions) {
    this.adminListen = options.data.adminListen;
  }

  /** Starts the first worker; resolves with the admin API's URL once it serves the persisted state. */
  start(): Promise<string> {
    return new Promise((resolve, reject) => this.spawn(false, { resolve, reject }));
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'shutdown' });
    const timer = setTimeout(() => void worker.terminate(), SHUTDOWN_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }

  /** The metrics text, rendered by the control worker (never on this thread); undefined while it is down or slow. */
  metrics(timeoutMs = 5_000): Promise<string | undefined> {
    const worker = this.worker;
    if (!worker || !this.controlUp) return Promise.resolve(undefined);
    const id = ++this.nextMetricsId;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.metricsRequests.delete(id);
        resolve(undefined);
      }, timeoutMs);
      this.metricsRequests.set(id, (text) => {
        clearTimeout(timer);
        resolve(text);
      });
      worker.postMessage({ kind: 'render-metrics', id });
    });
  }

  private spawn(resumed: boolean, first?: { resolve(adminUrl: string): void; reject(err: Error): void }): void {
    const { logger, runtime } = this.options;
    const data: ControlWorkerData = {
      ...this.options.data,
      adminListen: this.adminListen,
      resumed,
      restarts: { ...this.restarts },
      ...(this.poisoned ? { poisoned: this.poisoned } : {}),
    };
    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    this.worker = worker;
    this.startedAt = Date.now();
    this.reading = undefined;
    serveLink(worker, runtime);
    let crash: string | undefined;
    worker.on('message', (message: WorkerEvent | { kind: string }) => {
      const event = message as WorkerEvent;
      switch (event.kind) {
        case 'metrics':
          this.metricsRequests.get(event.id)?.(event.text);
          this.metricsRequests.delete(event.id);
          break;
        case 'ready':
          this.controlUp = true;
          // A port chosen by the OS (port 0) is kept: a restarted worker listens where the first one did.
          this.adminListen = { ...this.adminListen, port: Number(new URL(event.adminUrl).port) };
          first?.resolve(event.adminUrl);
          first = undefined;
          break;
        case 'failed':
          if (first) {
            first.reject(new Error(event.message));
            first = undefined;
            this.closing = true;
          } else crash = event.message;
          void worker.terminate();
          break;
        case 'settled':
          this.markSettled();
          break;
        case 'reading':
          this.reading = event.fingerprint;
          break;
        case 'read':
          if (this.reading === event.fingerprint) this.reading = undefined;
          break;
      }
    });
    worker.on('error', (err) => {
      crash =
        (err as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `out of memory (heap limit ${this.options.maxHeapMb} MiB)`
          : err.message;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = undefined;
      this.controlUp = false;
      for (const answer of this.metricsRequests.values()) answer(undefined);
      this.metricsRequests.clear();
      // A stage the dead worker left uncommitted is dropped: the data plane serves what it served.
      runtime.discard();
      if (first) {
        first.reject(new Error(crash ?? `the control worker exited (${code}) before it was ready`));
        return;
      }
      if (this.closing) return;
      this.restarts.count++;
      this.restarts.lastReason = crash ?? `exited with code ${code}`;
      this.restarts.lastAt = new Date().toISOString();
      if (this.reading !== undefined) this.poisoned = this.reading;
      if (Date.now() - this.startedAt > STABLE_MS) this.backoff = 0;
      const delay = backoffDelay(++this.backoff, {
        baseDelayMs: RESTART_BASE_MS,
        maxDelayMs: RESTART_MAX_MS,
        jitter: 0,
      });
      logger.error(
        {
          reason: this.restarts.lastReason,
          restarts: this.restarts.count,
          restartInMs: delay,
          whileReading: this.reading !== undefined,
        },
        'the control side crashed; the data plane keeps serving, restarting it',
      );
      this.restartTimer = setTimeout(() => {
        this.restartTimer = undefined;
        if (!this.closing) this.spawn(true);
      }, delay);
    });
  }
}
