import fc from 'fast-check';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../../../src/gateway/counters/memory.js';
import { parseRedisUrl } from '../../../src/manifest/redis-url.js';
import { CounterStores } from '../../../src/gateway/counters/selection.js';
import { SharedStorage, emptyStats, type SharedStorageStats } from '../../../src/gateway/counters/shared-storage.js';
import type { WindowDecision } from '../../../src/policies/sdk/index.js';
import type { Limit } from '../../../src/manifest/types.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';

interface Logged {
  logger: Logger;
  records: () => { level: number; msg: string; [k: string]: unknown }[];
}

function memoryLogger(): Logged {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  return { logger, records: () => lines.map((l) => JSON.parse(l) as { level: number; msg: string }) };
}

let redis: TestRedis;
const opened: { close(): unknown }[] = [];
let namespaces = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  // Not started when redis-server could not start: beforeAll's error is the one to see.
  await redis?.close();
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** A hit timeout that a Redis which is up meets on a busy machine too (at the default 100 ms, hits could fall back). */
const roomyUrl = () => `${redis.url}?timeout=1000`;

async function storage(
  options: {
    url?: string;
    callerClock?: boolean;
    stats?: SharedStorageStats;
    logged?: Logged;
    local?: MemoryCounterStore;
  } = {},
) {
  const url = options.url ?? roomyUrl();
  const target = parseRedisUrl(url);
  if ('problem' in target) throw new Error(target.problem);
  const local = options.local ?? new MemoryCounterStore({ sweepIntervalMs: 0 });
  const stats = options.stats ?? emptyStats();
  const logged = options.logged ?? memoryLogger();
  const shared = new SharedStorage(url, {
    target,
    namespace: `tollgate:{store-test-${process.pid}-${namespaces++}}:`,
    local,
    stats,
    logger: logged.logger,
    callerClock: options.callerClock ?? false,
  });
  opened.push(shared, local);
  expect(await shared.waitReady(5_000)).toBe(true);
  return { shared, local, stats, logged };
}

/** Until `check` holds, or fail after timeoutMs. */
async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('parseRedisUrl', () => {
  it('takes host, port, credentials, db and the timeout parameter apart', () => {
    expect(parseRedisUrl('redis://user:p%40ss@cache.internal:6380/2?timeout=250')).toEqual({
      host: 'cache.internal',
      port: 6380,
      tls: false,
      db: 2,
      timeoutMs: 250,
      endpoint: 'cache.internal:6380',
      username: 'user',
      password: 'p@ss',
    });
    expect(parseRedisUrl('rediss://:secret@redis')).toMatchObject({
      host: 'redis',
      port: 6379,
      tls: true,
      db: 0,
      timeoutMs: 100,
      password: 'secret',
    });
  });

  it('explains what is wrong with a URL it cannot use', () => {
    expect(parseRedisUrl('http://redis:6379')).toEqual({ problem: expect.stringContaining('redis:// or rediss://') });
    expect(parseRedisUrl('redis://redis:6379?retries=3')).toEqual({
      problem: expect.stringContaining('unknown URL parameter "retries"'),
    });
    expect(parseRedisUrl('redis://redis:6379/x')).toEqual({ problem: expect.stringContaining('"x" is not a number') });
    expect(parseRedisUrl('redis://redis:6379?timeout=0')).toEqual({ problem: expect.stringContaining('timeout=0') });
    expect(parseRedisUrl('not a url')).toEqual({ problem: expect.stringContaining('not a URL') });
  });
});

describe('SharedStorage against a real redis-server', () => {
  it('decides every hit as MemoryCounterStore does (stacked windows, all-or-nothing, most restrictive window)', async () => {
    const stacks: Limit[][] = [
      [{ maximumRequests: 3, timePeriodInMilliseconds: 50 }],
      [
        { maximumRequests: 2, timePeriodInMilliseconds: 40 },
        { maximumRequests: 5, timePeriodInMilliseconds: 200 },
      ],
      [
        { maximumRequests: 4, timePeriodInMilliseconds: 1000 },
        { maximumRequests: 2, timePeriodInMilliseconds: 1000 },
        { maximumRequests: 6, timePeriodInMilliseconds: 120 },
      ],
    ];
    const { shared } = await storage({ callerClock: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b'), stack: fc.nat(stacks.length - 1), advance: fc.nat(60) }), {
          minLength: 1,
          maxLength: 60,
        }),
        async (steps) => {
          const memory = new MemoryCounterStore({ sweepIntervalMs: 0 });
          // A fresh key space per run. Redis expires a key in real time, window end minus the hit's time after the hit:
          // the fake clock is the real one plus an offset that only grows, so it never moves slower than the real one,
          // and no key expires in Redis before its window ends on the fake clock, however long a step takes.
          const run = `run${namespaces++}`;
          let ahead = 0;
          for (const step of steps) {
            ahead += step.advance;
            const now = Date.now() + ahead;
            const limits = stacks[step.stack] as Limit[];
            const key = `${run}/${step.stack}/${step.key}`;
            const expected = memory.hit(key, limits, now);
            const actual = await shared.hit(key, limits, now, 'open');
            expect(actual).toEqual(expected);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  // Reference (spike control): "a sliding window"; "X-Ratelimit-Reset is 0 while quota remains".
  it('decides every sliding-window hit as MemoryCounterStore.slide does (exact sliding window, reset 0 while room remains)', async () => {
    const limits: Limit[] = [
      { maximumRequests: 3, timePeriodInMilliseconds: 60 },
      { maximumRequests: 1, timePeriodInMilliseconds: 25 },
    ];
    const { shared } = await storage({ callerClock: true });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ key: fc.constantFrom('a', 'b'), limit: fc.nat(limits.length - 1), advance: fc.nat(30) }), {
          minLength: 1,
          maxLength: 60,
        }),
        async (steps) => {
          const memory = new MemoryCounterStore({ sweepIntervalMs: 0 });
          const run = `slide${namespaces++}`;
          let ahead = 0;
          for (const step of steps) {
            ahead += step.advance;
            const now = Date.now() + ahead;
            const limit = limits[step.limit] as Limit;
            const key = `${run}/${step.limit}/${step.key}`;
            expect(await shared.slide(key, limit, now, 'open')).toEqual(memory.slide(key, limit, now));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('a sliding window admits exactly its maximum when three connections hit it concurrently, and holds no more than that', async () => {
    const stores = await Promise.all([storage(), storage(), storage()]);
    const target = parseRedisUrl(roomyUrl());
    if ('problem' in target) throw new Error(target.problem);
    const namespace = `tollgate:{sliding-${process.pid}}:`;
    const replicas = stores.map(({ local, stats, logged }) => {
      const s = new SharedStorage(roomyUrl(), { target, namespace, local, stats, logger: logged.logger });
      opened.push(s);
      return s;
    });
    await Promise.all(replicas.map((r) => r.waitReady(5_000)));
    const limit: Limit = { maximumRequests: 40, timePeriodInMilliseconds: 86_400_000 };
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => replicas[i % 3]!.slide('spike', limit, Date.now(), 'open')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(40);
    expect(decisions.filter((d) => d.allowed && d.remaining > 0).every((d) => d.resetMs === 0)).toBe(true);
    const keys = await redis.client().keys(`${namespace}*`);
    expect(keys).toEqual([`${namespace}spike:sliding:86400000`]);
    expect(await redis.client().zcard(keys[0]!)).toBe(40);
  });

  it('admits exactly the limit when three connections hit one key concurrently', async () => {
    const stores = await Promise.all([storage(), storage(), storage()]);
    // Three replicas of one environment: the same namespace.
    const target = parseRedisUrl(roomyUrl());
    if ('problem' in target) throw new Error(target.problem);
    const namespace = `tollgate:{concurrency-${process.pid}}:`;
    const replicas = stores.map(({ local, stats, logged }) => {
      const s = new SharedStorage(roomyUrl(), { target, namespace, local, stats, logger: logged.logger });
      opened.push(s);
      return s;
    });
    await Promise.all(replicas.map((r) => r.waitReady(5_000)));
    const limits: Limit[] = [{ maximumRequests: 50, timePeriodInMilliseconds: 86_400_000 }];
    const decisions = await Promise.all(
      Array.from({ length: 300 }, (_, i) => replicas[i % 3]!.hit('api', limits, Date.now(), 'open')),
    );
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50);
    expect(stores.reduce((n, s) => n + s.stats.fallbacks.open, 0)).toBe(0);
    const keys = await redis.client().keys(`${namespace}*`);
    expect(keys).toHaveLength(1);
    // One hash per window (its start and count), named without a clock boundary: the window started with the first hit.
    expect(keys[0]).toMatch(/^tollgate:\{concurrency-\d+\}:api:86400000$/);
    const ttl = await redis.client().pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
  });

  it('rejects a key whose window is known to be full without a round trip, until the window resets', async () => {
    const { shared, stats } = await storage();
    const limits: Limit[] = [{ maximumRequests: 2, timePeriodInMilliseconds: 86_400_000 }];
    expect((await shared.hit('k', limits, Date.now(), 'open')).allowed).toBe(true);
    expect((await shared.hit('k', limits, Date.now(), 'open')).allowed).toBe(true);
    const first = await shared.hit('k', limits, Date.now(), 'open');
    expect(first).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect(stats.localRejections).toBe(0);
    // Synchronous: decided here, not in Redis.
    const local = shared.hit('k', limits, Date.now(), 'open') as WindowDecision;
    expect(typeof (local as unknown as Promise<unknown>).then).toBe('undefined');
    expect(local).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    expect(Math.abs(local.resetMs - first.resetMs)).toBeLessThan(1_000);
    expect(stats.localRejections).toBe(1);
    // The same key under other limits (a reload changed them) asks Redis again.
    const changed = await shared.hit(
      'k',
      [{ maximumRequests: 5, timePeriodInMilliseconds: 86_400_000 }],
      Date.now(),
      'open',
    );
    expect(changed.allowed).toBe(true);
  });

  it('a stacked hit counts in every window or in none, and reports the most restrictive window', async () => {
    const { shared } = await storage();
    const limits: Limit[] = [
      { maximumRequests: 10, timePeriodInMilliseconds: 86_400_000 },
      { maximumRequests: 2, timePeriodInMilliseconds: 3_600_000 },
    ];
    expect(await shared.hit('s', limits, Date.now(), 'open')).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
    expect(await shared.hit('s', limits, Date.now(), 'open')).toMatchObject({ allowed: true, limit: 2, remaining: 0 });
    expect(await shared.hit('s', limits, Date.now(), 'open')).toMatchObject({ allowed: false, limit: 2, remaining: 0 });
    const client = redis.client();
    const keys = (await client.keys(`${shared.namespace}s:*`)).sort();
    expect(keys).toHaveLength(2);
    // The day window was not charged for the rejected hit.
    expect(await Promise.all(keys.map((k) => client.hget(k, 'c')))).toEqual(['2', '2']);
  });

  it('fails open (local counting) or closed (unavailable) at once while Redis is down, logs the outage once, and resumes when it is back', async () => {
    const logged = memoryLogger();
    const { shared, stats, local } = await storage({ logged });
    const limits: Limit[] = [{ maximumRequests: 3, timePeriodInMilliseconds: 86_400_000 }];
    expect((await shared.hit('o', limits, Date.now(), 'open')).allowed).toBe(true);
    await redis.stop();
    try {
      const started = Date.now();
      const open: WindowDecision[] = [];
      const closed: WindowDecision[] = [];
      for (let i = 0; i < 5; i++) {
        open.push(await shared.hit('o', limits, Date.now(), 'open'));
        closed.push(await shared.hit('c', limits, Date.now(), 'closed'));
      }
      expect(Date.now() - started).toBeLessThan(2_000);
      // Locally: 3 admitted, whatever Redis had counted.
      expect(open.map((d) => d.allowed)).toEqual([true, true, true, false, false]);
      expect(closed.every((d) => d.unavailable === true && !d.allowed)).toBe(true);
      expect(shared.connected).toBe(false);
      expect(stats.fallbacks.closed).toBe(5);
      expect(stats.fallbacks.open).toBeGreaterThanOrEqual(5);
      expect(stats.outages).toBe(1);
      expect(local.size).toBe(1);
      const warnings = logged.records().filter((r) => r.msg.startsWith('shared storage unreachable'));
      expect(warnings).toHaveLength(1);
    } finally {
      await redis.start();
    }
    await eventually('the connection to come back', () => shared.connected);
    expect(logged.records().some((r) => r.msg.startsWith('shared storage reachable again'))).toBe(true);
    const fellBack = stats.fallbacks.open;
    // Redis restarted empty: counting starts again there.
    expect(await shared.hit('o', limits, Date.now(), 'open')).toMatchObject({ allowed: true, remaining: 2 });
    expect(stats.fallbacks.open).toBe(fellBack);
    expect(await redis.client().keys(`${shared.namespace}o:*`)).toHaveLength(1);
  });

  it('a Redis that refuses hits (out of memory) is up: the hit falls back, no outage, the refusal is logged once', async () => {
    const logged = memoryLogger();
    const { shared, stats } = await storage({ logged });
    const limits: Limit[] = [{ maximumRequests: 5, timePeriodInMilliseconds: 86_400_000 }];
    const admin = redis.client();
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
    try {
      for (let i = 0; i < 3; i++)
        expect(await shared.hit('oom', limits, Date.now(), 'open')).toMatchObject({ allowed: true });
      expect(await shared.hit('oom', limits, Date.now(), 'closed')).toMatchObject({
        allowed: false,
        unavailable: true,
      });
      expect(shared.connected).toBe(true);
      expect(stats).toMatchObject({ outages: 0, fallbacks: { open: 3, closed: 1 } });
      const refusals = logged.records().filter((r) => r.msg.startsWith('shared storage refused a hit'));
      expect(refusals).toHaveLength(1);
      expect(String(refusals[0]!.err)).toMatch(/OOM/);
    } finally {
      await admin.config('SET', 'maxmemory', '0');
    }
    expect(await shared.hit('oom', limits, Date.now(), 'open')).toMatchObject({ allowed: true, remaining: 4 });
    expect(stats.fallbacks.open).toBe(3);
  });

  it('a hung Redis costs a hit at most the timeout, then fails over until it answers again', async () => {
    // A timeout wide enough that "waited for it" and "did not wait" stay apart on a busy machine.
    const timeoutMs = 300;
    const { shared, stats } = await storage({ url: `${redis.url}?timeout=${timeoutMs}` });
    const limits: Limit[] = [{ maximumRequests: 100, timePeriodInMilliseconds: 86_400_000 }];
    expect((await shared.hit('h', limits, Date.now(), 'open')).allowed).toBe(true);
    redis.pause();
    try {
      let started = Date.now();
      const first = await Promise.all([
        shared.hit('h', limits, Date.now(), 'open'),
        shared.hit('h2', limits, Date.now(), 'closed'),
      ]);
      const firstMs = Date.now() - started;
      expect(firstMs).toBeGreaterThanOrEqual(timeoutMs - 10);
      expect(firstMs).toBeLessThan(10 * timeoutMs);
      expect(first[0]!.allowed).toBe(true);
      expect(first[1]!.unavailable).toBe(true);
      // Known to be down: later hits do not wait at all (20 hits that each waited would take 20 timeouts).
      started = Date.now();
      for (let i = 0; i < 20; i++) await shared.hit('h', limits, Date.now(), 'open');
      expect(Date.now() - started).toBeLessThan(5 * timeoutMs);
      expect(stats.outages).toBe(1);
    } finally {
      redis.resume();
    }
    await eventually('the probe to see Redis answer again', () => shared.connected);
    const fellBack = stats.fallbacks.open;
    expect((await shared.hit('h', limits, Date.now(), 'open')).allowed).toBe(true);
    expect(stats.fallbacks.open).toBe(fellBack);
  });
});

describe('CounterStores: the connection across reloads', () => {
  const env = (sharedStorage?: string, name = 'prod') => ({
    name,
    precedence: 'strict' as const,
    gatekeeper: 'flexible' as const,
    ...(sharedStorage ? { sharedStorage } : {}),
  });

  it('keeps the connection for the same URL, replaces it for another, closes it when sharedStorage goes', async () => {
    const local = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const stores = new CounterStores({ local, logger: memoryLogger().logger });
    opened.push(stores, local);
    const first = await stores.prepare(env(redis.url));
    if ('problem' in first) throw new Error(first.problem);
    stores.commit(first);
    expect(stores.status()).toMatchObject({ configured: true, connected: true, endpoint: `127.0.0.1:${redis.port}` });
    expect(first.forPolicy({ clusterizable: false })).toBe(local);
    expect(first.forPolicy({})).toBe(first.forPolicy({ failMode: 'open' }));
    expect(first.forPolicy({ failMode: 'closed' })).not.toBe(first.forPolicy({ failMode: 'open' }));

    expect(await stores.prepare(env(redis.url))).toBe(first);

    // Another URL (another db) or another environment name: another connection, the old one closes on commit.
    const second = await stores.prepare(env(`${redis.url}/1`));
    if ('problem' in second) throw new Error(second.problem);
    expect(second.shared).not.toBe(first.shared);
    stores.commit(second);
    expect(first.shared?.connected).toBe(false);
    expect(stores.status().connected).toBe(true);

    const none = await stores.prepare(env());
    if ('problem' in none) throw new Error(none.problem);
    expect(none.shared).toBeUndefined();
    expect(none.forPolicy({})).toBe(local);
    stores.commit(none);
    expect(second.shared?.connected).toBe(false);
    expect(stores.status()).toMatchObject({ configured: false, connected: false });
  });

  it('refuses a URL it cannot use, and discards a candidate that was not applied', async () => {
    const local = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const stores = new CounterStores({ local, logger: memoryLogger().logger });
    opened.push(stores, local);
    expect(await stores.prepare(env('mysql://db'))).toEqual({ problem: expect.stringContaining('redis://') });
    const candidate = await stores.prepare(env(redis.url));
    if ('problem' in candidate) throw new Error(candidate.problem);
    stores.discard(candidate);
    expect(candidate.shared?.connected).toBe(false);
    expect(stores.status().configured).toBe(false);
  });

  it('reports a Redis that cannot be reached at apply time as an outage and serves in the fail modes', async () => {
    const local = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const logged = memoryLogger();
    const stores = new CounterStores({ local, logger: logged.logger, connectWaitMs: 300 });
    opened.push(stores, local);
    const { freePort } = await import('../../helpers/redis.js');
    const candidate = await stores.prepare(env(`redis://127.0.0.1:${await freePort()}`));
    if ('problem' in candidate) throw new Error(candidate.problem);
    stores.commit(candidate);
    expect(stores.status()).toMatchObject({ configured: true, connected: false, outages: 1 });
    const limits: Limit[] = [{ maximumRequests: 1, timePeriodInMilliseconds: 60_000 }];
    expect(await candidate.forPolicy({ failMode: 'closed' }).hit('x', limits, Date.now())).toMatchObject({
      allowed: false,
      unavailable: true,
    });
    expect(await candidate.forPolicy({}).hit('x', limits, Date.now())).toMatchObject({ allowed: true });
    expect(stores.metricsText()).toContain('tollgate_shared_storage_fallbacks_total{mode="closed"} 1');
    expect(logged.records().filter((r) => r.msg.startsWith('shared storage unreachable'))).toHaveLength(1);
  });
});
