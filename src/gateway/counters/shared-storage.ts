import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Limit } from '../../policies/sdk/index.js';
import type { RedisTarget } from '../../manifest/redis-url.js';
import { ExhaustedWindows } from './exhausted-windows.js';
import { FailModeFallback, type FailMode } from './fail-mode.js';
import { openRedis, type CounterScripts } from './redis-connection.js';
import { RedisHealth } from './redis-health.js';
import { decisionFromReply, hitPlan, slideDecisionFromReply } from './redis-script.js';
import type { SharedStorageStats } from './shared-storage-stats.js';
import type { CounterStore, WindowDecision } from './types.js';
import { WriteBatching } from './write-batching.js';

export type { FailMode } from './fail-mode.js';
export { emptyStats, type SharedStorageStats } from './shared-storage-stats.js';

export interface SharedStorageOptions {
  target: RedisTarget;
  /** Prefix of every key: `tollgate:{<environment>}:` (one hash tag, one cluster slot per environment). */
  namespace: string;
  /** Where fail-open policies count while Redis is unreachable. */
  local: CounterStore;
  stats: SharedStorageStats;
  logger: Logger;
  /** Use the `now` callers pass instead of the Redis server's clock (tests comparing with MemoryCounterStore). */
  callerClock?: boolean;
}

/** What a script call is learned under: the key of the exhausted-window cache and the limits it was decided for. */
interface Learned {
  key: string;
  limits: readonly Limit[] | Limit;
  now: number;
}

/** Sliding windows live under keys of their own: a policy's fixed and sliding windows never share a hash. */
const SLIDING = '\0sliding';

const SWEEP_INTERVAL_MS = 10_000;

/**
 * Counters in Redis for one environment and one URL: one connection
 * (redis-connection.ts), one script call per hit for all its stacked windows,
 * the writes of an event-loop turn sent together (write-batching.ts), and a
 * local fast path that rejects a key whose window is known to be full until
 * that window resets (exhausted-windows.ts). When Redis fails or is slower than
 * the timeout, the hit falls back by its fail mode (fail-mode.ts) and the
 * outage is noticed, logged and counted once (redis-health.ts).
 */
export class SharedStorage {
  readonly endpoint: string;
  readonly url: string;
  readonly namespace: string;
  private readonly client: Redis;
  private readonly scripts: CounterScripts;
  private readonly timeoutMs: number;
  private readonly callerClock: boolean;
  private readonly health: RedisHealth;
  private readonly batching: WriteBatching;
  private readonly exhausted: ExhaustedWindows;
  private readonly fallback: FailModeFallback;
  private readonly stores = new Map<FailMode, CounterStore>();
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(url: string, options: SharedStorageOptions) {
    const { target } = options;
    this.url = url;
    this.endpoint = target.endpoint;
    this.namespace = options.namespace;
    this.timeoutMs = target.timeoutMs;
    this.callerClock = options.callerClock ?? false;
    const logger = options.logger.child({ component: 'shared-storage', endpoint: target.endpoint });
    ({ client: this.client, scripts: this.scripts } = openRedis(target));
    this.exhausted = new ExhaustedWindows(options.stats);
    this.fallback = new FailModeFallback(options.local, options.stats);
    this.batching = new WriteBatching(this.client);
    this.health = new RedisHealth(this.client, logger, options.stats, () => this.exhausted.clear());
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** True while hits are counted in Redis. */
  get connected(): boolean {
    return this.health.up;
  }

  /**
   * Resolves true once connected, false when the first attempt fails or after
   * `timeoutMs`: the store then serves in its fail modes and keeps dialling.
   */
  waitReady(timeoutMs: number): Promise<boolean> {
    return this.health.waitReady(timeoutMs);
  }

  /** The counter store of policies with this fail mode. */
  store(mode: FailMode): CounterStore {
    let store = this.stores.get(mode);
    if (!store) {
      store = {
        hit: (key, limits, now) => this.hit(key, limits, now, mode),
        slide: (key, limit, now) => this.slide(key, limit, now, mode),
      };
      this.stores.set(mode, store);
    }
    return store;
  }

  hit(key: string, limits: readonly Limit[], now: number, mode: FailMode): WindowDecision | Promise<WindowDecision> {
    if (limits.length === 0) return { allowed: true, limit: Infinity, remaining: Infinity, resetMs: 0 };
    const rejection = this.exhausted.rejection(key, limits, now);
    if (rejection !== undefined) return rejection;
    const countLocally = () => this.fallback.decide(mode, (local) => local.hit(key, limits, now));
    if (!this.health.up) return countLocally();

    const plan = hitPlan(limits);
    const n = plan.suffixes.length;
    const argv: string[] = new Array<string>(n + 1 + plan.args.length);
    const base = this.namespace + key;
    for (let i = 0; i < n; i++) argv[i] = base + (plan.suffixes[i] as string);
    argv[n] = this.callerClock ? String(now) : '-1';
    for (let i = 0; i < plan.args.length; i++) argv[n + 1 + i] = plan.args[i] as string;
    return this.run(
      () => this.scripts.tollgateHit(n, ...argv),
      (reply) => decisionFromReply(limits, plan, reply),
      { key, limits, now },
      countLocally,
    );
  }

  slide(key: string, limit: Limit, now: number, mode: FailMode): WindowDecision | Promise<WindowDecision> {
    const exhaustedKey = key + SLIDING;
    const rejection = this.exhausted.rejection(exhaustedKey, limit, now);
    if (rejection !== undefined) return rejection;
    const countLocally = () => this.fallback.decide(mode, (local) => local.slide(key, limit, now));
    if (!this.health.up) return countLocally();
    const name = `${this.namespace}${key}:sliding:${limit.timePeriodInMilliseconds}`;
    const clock = this.callerClock ? String(now) : '-1';
    return this.run(
      () =>
        this.scripts.tollgateSlide(
          1,
          name,
          clock,
          String(limit.timePeriodInMilliseconds),
          String(limit.maximumRequests),
        ),
      (reply) => slideDecisionFromReply(limit, reply),
      { key: exhaustedKey, limits: limit, now },
      countLocally,
    );
  }

  /**
   * One script call with the timeout: the decision, or the fallback when Redis fails or is slower than the
   * timeout. A rejection is remembered for the fast path.
   */
  private run(
    call: () => Promise<unknown[]>,
    decide: (reply: unknown[]) => WindowDecision,
    learned: Learned,
    fallback: () => WindowDecision | Promise<WindowDecision>,
  ): Promise<WindowDecision> {
    return new Promise<WindowDecision>((resolve) => {
      let settled = false;
      const fail = (reason: string | undefined) => {
        if (settled) return;
        settled = true;
        if (reason !== undefined) this.health.markDown(reason);
        resolve(fallback());
      };
      const timer = setTimeout(() => {
        // A busy event loop runs due timers before it reads sockets: a reply may already be waiting.
        // Check again after the poll phase, so only a reply that really did not come counts as a timeout.
        setImmediate(() => {
          if (settled) return;
          // This hit falls back either way. Redis is only taken for down when it answered nothing for a
          // whole timeout: a server that still answers (a CPU-starved host, a burst) keeps counting hits.
          fail(this.health.silentMs() >= this.timeoutMs ? `no answer within ${this.timeoutMs} ms` : undefined);
        });
      }, this.timeoutMs);
      this.batching.holdUntilTurnEnds();
      call().then(
        (reply) => {
          this.health.replied();
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const decision = decide(reply);
          this.exhausted.learn(learned.key, learned.limits, learned.now, decision);
          resolve(decision);
        },
        (err: Error) => {
          clearTimeout(timer);
          if (err.name !== 'ReplyError') return fail(err.message);
          this.health.refused(err.message);
          fail(undefined);
        },
      );
    });
  }

  /** Forgets full windows that have reset. */
  sweep(now: number): void {
    this.exhausted.sweep(now);
  }

  /** Closes the connection: pending replies are read first (QUIT), then the socket closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.health.close();
    clearInterval(this.sweepTimer);
    try {
      if (this.client.status === 'ready') await withTimeout(this.client.quit(), 1_000);
    } catch {
      /* closing anyway */
    }
    this.client.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
