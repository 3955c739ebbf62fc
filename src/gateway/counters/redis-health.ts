import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { fallbacksOf, type SharedStorageStats } from './shared-storage-stats.js';

type Health = 'connecting' | 'up' | 'down';

const PROBE_INTERVAL_MS = 100;
const REFUSAL_LOG_INTERVAL_MS = 60_000;

/**
 * Whether hits are counted in Redis: connecting → up ⇄ down. An outage is
 * logged and counted once (not per request), and its end once, with how long
 * it lasted and how many hits fell back; while down on a live connection (a
 * slow or hung server), a probe tells when Redis answers again.
 */
export class RedisHealth {
  private health: Health = 'connecting';
  private downSince = 0;
  private fallbacksAtOutage = 0;
  private probing = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private lastError = '';
  /** When Redis last answered a hit (performance.now()): tells a slow reply from a dead server. */
  private lastReplyAt = 0;
  private refusalLoggedAt = 0;

  constructor(
    private readonly client: Redis,
    private readonly logger: Logger,
    private readonly stats: SharedStorageStats,
    /** Called when Redis is reachable again: what was learned before may be stale (a restarted Redis starts empty). */
    private readonly onReachable: () => void,
  ) {
    // Without a listener, a connection error would crash the process; the outage is logged by markDown.
    client.on('error', (err: Error) => {
      this.lastError = err.message;
      this.logger.debug({ err: err.message }, 'shared storage connection error');
    });
    client.on('ready', () => this.markUp());
    client.on('close', () => {
      if (!this.closed && this.health === 'up') this.markDown(this.lastError || 'connection closed');
    });
  }

  /** True while hits are counted in Redis. */
  get up(): boolean {
    return !this.closed && this.health === 'up';
  }

  /**
   * Resolves true once connected, false when the first attempt fails or after
   * `timeoutMs`: the store then serves in its fail modes and keeps dialling.
   */
  async waitReady(timeoutMs: number): Promise<boolean> {
    if (this.health === 'up') return true;
    const ready = await new Promise<boolean>((resolve) => {
      const done = (value: boolean) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.client.off('close', onFailed);
        resolve(value);
      };
      const onReady = () => done(true);
      const onFailed = () => done(false);
      const timer = setTimeout(onFailed, timeoutMs);
      this.client.on('ready', onReady);
      this.client.on('close', onFailed);
    });
    if (!ready && this.health === 'connecting') this.markDown(this.lastError || `not connected within ${timeoutMs} ms`);
    return ready;
  }

  /** Redis answered a hit. */
  replied(): void {
    this.lastReplyAt = performance.now();
  }

  /** How long Redis has answered nothing (ms). */
  silentMs(): number {
    return performance.now() - this.lastReplyAt;
  }

  /**
   * Redis answered, with an error (out of memory, a read-only replica…): it is up, but the hit falls back.
   * Logged at most once a minute: it may repeat for every hit.
   */
  refused(message: string): void {
    this.replied();
    const now = Date.now();
    if (now - this.refusalLoggedAt < REFUSAL_LOG_INTERVAL_MS) return;
    this.refusalLoggedAt = now;
    this.logger.warn(
      { err: message },
      "shared storage refused a hit: it is counted by the policy's fail mode (logged at most once a minute)",
    );
  }

  markDown(reason: string): void {
    if (this.closed || this.health === 'down') return;
    this.health = 'down';
    this.downSince = Date.now();
    this.fallbacksAtOutage = fallbacksOf(this.stats);
    this.stats.outages++;
    // Once per outage, not per request.
    this.logger.warn(
      { reason },
      'shared storage unreachable: fail-open policies count locally, fail-closed policies answer 503',
    );
    this.probeTimer ??= setInterval(() => this.probe(), PROBE_INTERVAL_MS);
    this.probeTimer.unref();
  }

  private markUp(): void {
    if (this.closed || this.health === 'up') return;
    const previous = this.health;
    this.health = 'up';
    this.lastReplyAt = performance.now();
    this.lastError = '';
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    this.onReachable();
    if (previous === 'connecting') {
      this.logger.info('shared storage connected: limits are counted across replicas');
    } else {
      const fellBack = fallbacksOf(this.stats) - this.fallbacksAtOutage;
      this.logger.info(
        { downSeconds: Math.round((Date.now() - this.downSince) / 100) / 10, fellBack },
        'shared storage reachable again: counting across replicas resumed',
      );
    }
  }

  /** While down on a live connection (a slow or hung server), one PING at a time tells when it answers again. */
  private probe(): void {
    if (this.probing || this.health !== 'down' || this.client.status !== 'ready') return;
    this.probing = true;
    this.client.ping().then(
      () => {
        this.probing = false;
        this.markUp();
      },
      () => {
        this.probing = false;
      },
    );
  }

  /** No more transitions, logs or probes: the connection is closing. */
  close(): void {
    this.closed = true;
    if (this.probeTimer) clearInterval(this.probeTimer);
  }
}
