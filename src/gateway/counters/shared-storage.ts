import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Limit } from '../../policies/sdk/index.js';
import { HIT_SCRIPT, SLIDE_SCRIPT, decisionFromReply, hitPlan, slideDecisionFromReply } from './redis-script.js';
import type { RedisTarget } from '../../manifest/redis-url.js';
import type { CounterStore, WindowDecision } from './types.js';

export type FailMode = 'open' | 'closed';

/** Counts that outlive one connection (a changed URL opens another): what /metrics and /status report. */
export interface SharedStorageStats {
  /** Hits Redis could not take: counted locally (open) or answered 503 (closed). */
  fallbacks: Record<FailMode, number>;
  /** Times Redis became unreachable (each logged once). */
  outages: number;
  /** Rejections decided without a round trip: the window was known to be full until its reset. */
  localRejections: number;
}

export function emptyStats(): SharedStorageStats {
  return { fallbacks: { open: 0, closed: 0 }, outages: 0, localRejections: 0 };
}

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

/** A window known to be full: until `until` (caller's clock) Redis would reject this key with these limits. */
interface Exhausted {
  /** The limit stack (fixed windows) or the limit (a sliding window) it was learned for. */
  limits: readonly Limit[] | Limit;
  until: number;
  limit: number;
}

type Health = 'connecting' | 'up' | 'down';

interface HitCommand {
  tollgateHit(numKeys: number, ...keysAndArgs: string[]): Promise<unknown[]>;
  tollgateSlide(numKeys: number, ...keysAndArgs: string[]): Promise<unknown[]>;
}

/** Sliding windows live under keys of their own: a policy's fixed and sliding windows never share a hash. */
const SLIDING = '\0sliding';

const PROBE_INTERVAL_MS = 100;
const SWEEP_INTERVAL_MS = 10_000;
const UNAVAILABLE: Readonly<WindowDecision> = Object.freeze({ allowed: false, limit: 0, remaining: 0, resetMs: 0, unavailable: true as const });

/**
 * Counters in Redis for one environment and one URL: one connection
 * (auto-pipelined), one script call per hit for all its stacked windows, and
 * a local fast path that rejects a key whose window is known to be full until
 * that window resets. When Redis fails or is slower than the timeout, the
 * outage is logged once and counted, fail-open stores count in `local`,
 * fail-closed ones answer `unavailable`; a probe notices when Redis is back.
 */
export class SharedStorage {
  readonly endpoint: string;
  readonly url: string;
  readonly namespace: string;
  private readonly client: Redis;
  private readonly hitCommand: HitCommand;
  private readonly timeoutMs: number;
  private readonly local: CounterStore;
  private readonly stats: SharedStorageStats;
  private readonly logger: Logger;
  private readonly callerClock: boolean;
  private readonly exhausted = new Map<string, Exhausted>();
  private readonly stores = new Map<FailMode, CounterStore>();
  private health: Health = 'connecting';
  private downSince = 0;
  private fallbacksAtOutage = 0;
  private probing = false;
  private probeTimer: NodeJS.Timeout | undefined;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;
  private lastError = '';
  /** When Redis last answered a hit (performance.now()): tells a slow reply from a dead server. */
  private lastReplyAt = 0;
  private refusalLoggedAt = 0;
  /** The socket corked for this event-loop turn, if any. */
  private corked: { uncork(): void } | undefined;

  constructor(url: string, options: SharedStorageOptions) {
    const { target } = options;
    this.url = url;
    this.endpoint = target.endpoint;
    this.namespace = options.namespace;
    this.timeoutMs = target.timeoutMs;
    this.local = options.local;
    this.stats = options.stats;
    this.logger = options.logger.child({ component: 'shared-storage', endpoint: target.endpoint });
    this.callerClock = options.callerClock ?? false;
    this.client = new Redis({
      host: target.host,
      port: target.port,
      db: target.db,
      ...(target.username === undefined ? {} : { username: target.username }),
      ...(target.password === undefined ? {} : { password: target.password }),
      ...(target.tls ? { tls: {} } : {}),
      // Batching is done here, per event-loop turn (see batchWrites), not per tick as auto-pipelining does.
      enableAutoPipelining: false,
      // Never queue hits while disconnected: they fall back at once instead of waiting.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.max(1_000, target.timeoutMs * 10),
      // A connection that stops answering (a hung server) is dropped and dialled again.
      socketTimeout: Math.max(2_000, target.timeoutMs * 20),
      // Dial again quickly, at most once a second, forever: counting resumes within a second of Redis coming back.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      disableClientInfo: true,
      // Shows in CLIENT LIST: which connections are gateways'.
      connectionName: 'tollgate',
      keepAlive: 10_000,
    });
    this.client.defineCommand('tollgateHit', { lua: HIT_SCRIPT });
    this.client.defineCommand('tollgateSlide', { lua: SLIDE_SCRIPT });
    this.hitCommand = this.client as unknown as HitCommand;
    // Without a listener, a connection error would crash the process; the outage is logged by markDown.
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
      this.logger.debug({ err: err.message }, 'shared storage connection error');
    });
    this.client.on('ready', () => this.markUp());
    this.client.on('close', () => {
      if (!this.closed && this.health === 'up') this.markDown(this.lastError || 'connection closed');
    });
    this.sweepTimer = setInterval(() => this.sweep(Date.now()), SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  /** True while hits are counted in Redis. */
  get connected(): boolean {
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

  /** The counter store of policies with this fail mode. */
  store(mode: FailMode): CounterStore {
    let store = this.stores.get(mode);
    if (!store) {
      store = { hit: (key, limits, now) => this.hit(key, limits, now, mode), slide: (key, limit, now) => this.slide(key, limit, now, mode) };
      this.stores.set(mode, store);
    }
    return store;
  }

  hit(key: string, limits: readonly Limit[], now: number, mode: FailMode): WindowDecision | Promise<WindowDecision> {
    if (limits.length === 0) return { allowed: true, limit: Infinity, remaining: Infinity, resetMs: 0 };
    const known = this.knownFull(key, limits, now);
    if (known !== undefined) return known;
    if (this.health !== 'up') return this.fallback(mode, (local) => local.hit(key, limits, now));

    const plan = hitPlan(limits);
    const n = plan.suffixes.length;
    const argv: string[] = new Array<string>(n + 1 + plan.args.length);
    const base = this.namespace + key;
    for (let i = 0; i < n; i++) argv[i] = base + (plan.suffixes[i] as string);
    argv[n] = this.callerClock ? String(now) : '-1';
    for (let i = 0; i < plan.args.length; i++) argv[n + 1 + i] = plan.args[i] as string;
    return this.run(
      () => this.hitCommand.tollgateHit(n, ...argv),
      (reply) => decisionFromReply(limits, plan, reply),
      { key, limits, now },
      () => this.fallback(mode, (local) => local.hit(key, limits, now)),
    );
  }

  slide(key: string, limit: Limit, now: number, mode: FailMode): WindowDecision | Promise<WindowDecision> {
    const exhaustedKey = key + SLIDING;
    const known = this.knownFull(exhaustedKey, limit, now);
    if (known !== undefined) return known;
    if (this.health !== 'up') return this.fallback(mode, (local) => local.slide(key, limit, now));
    const name = `${this.namespace}${key}:sliding:${limit.timePeriodInMilliseconds}`;
    const clock = this.callerClock ? String(now) : '-1';
    return this.run(
      () => this.hitCommand.tollgateSlide(1, name, clock, String(limit.timePeriodInMilliseconds), String(limit.maximumRequests)),
      (reply) => slideDecisionFromReply(limit, reply),
      { key: exhaustedKey, limits: limit, now },
      () => this.fallback(mode, (local) => local.slide(key, limit, now)),
    );
  }

  /** Fast path: counts only grow within a window, so a full window stays full until it resets. */
  private knownFull(key: string, limits: readonly Limit[] | Limit, now: number): WindowDecision | undefined {
    const known = this.exhausted.get(key);
    if (known === undefined) return undefined;
    if (now < known.until && known.limits === limits) {
      this.stats.localRejections++;
      return { allowed: false, limit: known.limit, remaining: 0, resetMs: known.until - now };
    }
    this.exhausted.delete(key);
    return undefined;
  }

  /**
   * One script call with the timeout: the decision, or the fallback when Redis fails or is slower than the
   * timeout. A rejection is remembered for the fast path.
   */
  private run(call: () => Promise<unknown[]>, decide: (reply: unknown[]) => WindowDecision, learn: { key: string; limits: readonly Limit[] | Limit; now: number }, fallback: () => WindowDecision | Promise<WindowDecision>): Promise<WindowDecision> {
    return new Promise<WindowDecision>((resolve) => {
      let settled = false;
      const fail = (reason: string | undefined) => {
        if (settled) return;
        settled = true;
        if (reason !== undefined) this.markDown(reason);
        resolve(fallback());
      };
      const timer = setTimeout(() => {
        // A busy event loop runs due timers before it reads sockets: a reply may already be waiting.
        // Check again after the poll phase, so only a reply that really did not come counts as a timeout.
        setImmediate(() => {
          if (settled) return;
          // This hit falls back either way. Redis is only taken for down when it answered nothing for a
          // whole timeout: a server that still answers (a CPU-starved host, a burst) keeps counting hits.
          const silentMs = performance.now() - this.lastReplyAt;
          fail(silentMs >= this.timeoutMs ? `no answer within ${this.timeoutMs} ms` : undefined);
        });
      }, this.timeoutMs);
      this.batchWrites();
      call().then(
        (reply) => {
          this.lastReplyAt = performance.now();
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const decision = decide(reply);
          if (!decision.allowed) this.exhausted.set(learn.key, { limits: learn.limits, until: learn.now + decision.resetMs, limit: decision.limit });
          resolve(decision);
        },
        (err: Error) => {
          clearTimeout(timer);
          if (err.name !== 'ReplyError') return fail(err.message);
          // Redis answered, with an error (out of memory, a read-only replica…): it is up, but this hit falls back.
          this.lastReplyAt = performance.now();
          this.noteRefusal(err.message);
          fail(undefined);
        },
      );
    });
  }

  /**
   * Every request arrives in a callback of its own, so per-tick batching (ioredis auto-pipelining) sends
   * one write per hit. Corking the socket until the end of this event-loop turn (setImmediate runs after
   * the poll phase has handed over every readable socket) sends all the hits of the turn in one write:
   * fewer syscalls here, fewer reads in Redis. Measured: about half the client CPU per hit of auto-pipelining.
   */
  private batchWrites(): void {
    if (this.corked !== undefined) return;
    const stream = this.client.stream;
    if (stream === undefined || stream.destroyed) return;
    stream.cork();
    this.corked = stream;
    setImmediate(() => {
      this.corked = undefined;
      stream.uncork();
    });
  }

  /** A refusal is logged at most once a minute: it may repeat for every hit. */
  private noteRefusal(message: string): void {
    const now = Date.now();
    if (now - this.refusalLoggedAt < 60_000) return;
    this.refusalLoggedAt = now;
    this.logger.warn({ err: message }, 'shared storage refused a hit: it is counted by the policy\'s fail mode (logged at most once a minute)');
  }

  private fallback(mode: FailMode, local: (store: CounterStore) => WindowDecision | Promise<WindowDecision>): WindowDecision | Promise<WindowDecision> {
    this.stats.fallbacks[mode]++;
    return mode === 'open' ? local(this.local) : UNAVAILABLE;
  }

  private markDown(reason: string): void {
    if (this.closed || this.health === 'down') return;
    this.health = 'down';
    this.downSince = Date.now();
    this.fallbacksAtOutage = this.stats.fallbacks.open + this.stats.fallbacks.closed;
    this.stats.outages++;
    // Once per outage, not per request.
    this.logger.warn({ reason }, 'shared storage unreachable: fail-open policies count locally, fail-closed policies answer 503');
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
    // What was learned before the outage may be stale (a restarted Redis starts empty).
    this.exhausted.clear();
    if (previous === 'connecting') {
      this.logger.info('shared storage connected: limits are counted across replicas');
    } else {
      const fellBack = this.stats.fallbacks.open + this.stats.fallbacks.closed - this.fallbacksAtOutage;
      this.logger.info({ downSeconds: Math.round((Date.now() - this.downSince) / 100) / 10, fellBack }, 'shared storage reachable again: counting across replicas resumed');
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

  /** Forgets full windows that have reset. */
  sweep(now: number): void {
    for (const [key, known] of this.exhausted) if (known.until <= now) this.exhausted.delete(key);
  }

  /** Closes the connection: pending replies are read first (QUIT), then the socket closes. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    if (this.probeTimer) clearInterval(this.probeTimer);
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
