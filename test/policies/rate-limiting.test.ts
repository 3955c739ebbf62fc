import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import type { CounterStore } from '../../src/gateway/counters/types.js';
import type { Limit } from '../../src/manifest/types.js';
import { create as createClientIdEnforcement } from '../../src/policies/client-id-enforcement/runtime.js';
import type { RateLimitingConfig } from '../../src/policies/rate-limiting/index.js';
import { create } from '../../src/policies/rate-limiting/runtime.js';
import { makeContext, makeExchange, send } from '../helpers/exchange.js';

function config(rateLimits: Limit[], partial: Partial<RateLimitingConfig> = {}): RateLimitingConfig {
  return { rateLimits, keySelector: { source: 'api' }, exposeHeaders: false, clusterizable: true, failMode: 'open', ...partial };
}
// Hour-long windows: a burst of a test never straddles two of them in practice.
const perHour = (n: number): Limit[] => [{ maximumRequests: n, timePeriodInMilliseconds: 3_600_000 }];

async function statuses(handlers: Awaited<ReturnType<typeof create>>, inits: Parameters<typeof send>[1][]): Promise<number[]> {
  const out: number[] = [];
  for (const init of inits) out.push((await send(handlers, init)).status);
  return out;
}

describe('rate-limiting', () => {
  it('admits exactly maximumRequests of a burst and answers 429 with a JSON body', async () => {
    const handlers = await create(config(perHour(3)), makeContext().ctx);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await send(handlers));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(results[3]?.body).toEqual({ error: 'rate limit exceeded' });
    expect(results[3]?.upstreamCalled).toBe(false);
    expect(results[3]?.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('exposes the limit headers on admitted and rejected responses', async () => {
    const handlers = await create(config(perHour(2), { exposeHeaders: true }), makeContext().ctx);
    const first = await send(handlers);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    const reset = Number(first.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(3_600_000);
    await send(handlers);
    const rejected = await send(handlers);
    expect(rejected.status).toBe(429);
    expect(rejected.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
  });

  it('reports the most restrictive of stacked windows', async () => {
    const limits = [
      { maximumRequests: 100, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 2, timePeriodInMilliseconds: 3_600_000 },
    ];
    const handlers = await create(config(limits, { exposeHeaders: true }), makeContext().ctx);
    const first = await send(handlers);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(1000);
  });

  it('starts a new window after the period', async () => {
    const handlers = await create(config([{ maximumRequests: 1, timePeriodInMilliseconds: 50 }], { exposeHeaders: true }), makeContext().ctx);
    while (Date.now() % 50 > 30) await new Promise((r) => setTimeout(r, 2)); // start early in a window
    expect((await send(handlers)).status).toBe(200);
    const rejected = await send(handlers);
    expect(rejected.status).toBe(429);
    await new Promise((r) => setTimeout(r, Number(rejected.headers['x-ratelimit-reset']) + 5));
    expect((await send(handlers)).status).toBe(200);
  });

  it('counts per client IP', async () => {
    const handlers = await create(config(perHour(1), { keySelector: { source: 'ip' } }), makeContext().ctx);
    expect(await statuses(handlers, [{ remoteAddress: '10.0.0.1' }, { remoteAddress: '10.0.0.2' }, { remoteAddress: '10.0.0.1' }, { remoteAddress: '2001:db8::1' }])).toEqual([
      200, 200, 429, 200,
    ]);
  });

  it('counts per client IP behind trusted proxies, and ignores the header of anyone else', async () => {
    const keySelector = { source: 'ip' as const, clientIpHeader: 'X-Forwarded-For', trustedProxies: ['10.0.0.0/8'] };
    const handlers = await create(config(perHour(1), { keySelector }), makeContext().ctx);
    const viaProxy = (chain: string) => ({ remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': chain } });
    // Two clients behind one load balancer; the right-most untrusted hop is the client.
    expect(await statuses(handlers, [viaProxy('203.0.113.1'), viaProxy('203.0.113.2'), viaProxy('198.51.100.9, 203.0.113.1, 10.9.9.9'), viaProxy('garbage'), viaProxy('also garbage')])).toEqual([
      200, 200, 429, 200, 429,
    ]);
    // A client that is not a trusted proxy cannot pick its bucket with the header.
    const direct = (spoofed: string) => ({ remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': spoofed } });
    expect(await statuses(handlers, [direct('203.0.113.77'), direct('203.0.113.78')])).toEqual([200, 429]);
  });

  it('counts per header value, requests without the header sharing one bucket', async () => {
    const handlers = await create(config(perHour(1), { keySelector: { source: 'header', header: 'X-Tenant' } }), makeContext().ctx);
    expect(
      await statuses(handlers, [{ headers: { 'x-tenant': 'a' } }, { headers: { 'x-tenant': 'b' } }, { headers: { 'x-tenant': 'a' } }, {}, {}]),
    ).toEqual([200, 200, 429, 200, 429]);
  });

  it('counts per client_id header', async () => {
    const handlers = await create(config(perHour(1), { keySelector: { source: 'client-id' } }), makeContext().ctx);
    expect(await statuses(handlers, [{ headers: { client_id: 'one' } }, { headers: { client_id: 'two' } }, { headers: { client_id: 'one' } }])).toEqual([200, 200, 429]);
  });

  it('prefers the client an earlier policy identified over the raw header', async () => {
    const applications = [
      { name: 'app-a', clientId: 'a' },
      { name: 'app-b', clientId: 'b' },
    ];
    const chain = [
      await createClientIdEnforcement({ credentialsOrigin: 'headers', clientIdName: 'X-Client', clientSecretName: 'X-Secret', secretRequired: false }, makeContext({ applications }).ctx),
      await create(config(perHour(1), { keySelector: { source: 'client-id' } }), makeContext({ applications, policyName: 'limit' }).ctx),
    ];
    const as = (id: string) => ({ headers: { 'x-client': id } });
    expect((await send(chain, as('a'))).status).toBe(200);
    expect((await send(chain, as('b'))).status).toBe(200);
    expect((await send(chain, as('a'))).status).toBe(429);
  });

  it('keeps policies apart in one store', async () => {
    const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const one = await create(config(perHour(1)), makeContext({ counters, policyName: 'one' }).ctx);
    const two = await create(config(perHour(1)), makeContext({ counters, policyName: 'two' }).ctx);
    expect((await send(one)).status).toBe(200);
    expect((await send(two)).status).toBe(200);
    expect((await send(one)).status).toBe(429);
  });

  it('keeps counting across a reload with the same window', async () => {
    const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const before = await create(config(perHour(2)), makeContext({ counters }).ctx);
    await send(before);
    await send(before);
    const after = await create(config(perHour(2), { exposeHeaders: true }), makeContext({ counters }).ctx);
    expect((await send(after)).status).toBe(429);
  });

  it('decides synchronously with a synchronous store', async () => {
    const handlers = await create(config(perHour(1)), makeContext().ctx);
    const outcome = handlers.request?.(makeExchange());
    expect(outcome).toBeUndefined();
    const rejected = handlers.request?.(makeExchange());
    expect(rejected).toMatchObject({ status: 429 });
  });

  it('works with an asynchronous store', async () => {
    const memory = new MemoryCounterStore({ sweepIntervalMs: 0 });
    // A store that answers later, as a networked one does.
    const remote: CounterStore = { hit: (key, limits, now) => new Promise((r) => setImmediate(() => r(memory.hit(key, limits, now)))) };
    const handlers = await create(config(perHour(1), { exposeHeaders: true }), makeContext({ counters: remote }).ctx);
    const pending = handlers.request?.(makeExchange());
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBeUndefined();
    const result = await send(handlers);
    expect(result.status).toBe(429);
    expect(result.headers['x-ratelimit-remaining']).toBe('0');
  });
});
