import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import type { CounterStore } from '../../src/policies/sdk/index.js';
import type { Limit } from '../../src/manifest/types.js';
import type { RateLimitingConfig } from '../../src/policies/rate-limiting/index.js';
import { TestClock } from '../../src/policy-tests/test-clock.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain, type ChainOptions, type TestChain } from '../helpers/chain.js';
import { makeExchange, type ExchangeInit } from '../helpers/exchange.js';

function config(rateLimits: Limit[], partial: Partial<RateLimitingConfig> = {}): RateLimitingConfig {
  return {
    rateLimits,
    keySelector: { source: 'api' },
    exposeHeaders: false,
    clusterizable: true,
    failMode: 'open',
    ...partial,
  };
}
// Hour-long windows: a burst of a test never straddles two of them in practice.
const perHour = (n: number): Limit[] => [{ maximumRequests: n, timePeriodInMilliseconds: 3_600_000 }];

const limiter = (c: RateLimitingConfig, options: ChainOptions = {}, name = 'limit') =>
  compileChain({ type: 'rate-limiting', name, config: c }, options);

async function statuses(chain: TestChain, inits: ExchangeInit[]): Promise<number[]> {
  const out: number[] = [];
  for (const init of inits) out.push((await chain.send(init)).status);
  return out;
}

describe('rate-limiting', () => {
  it('admits exactly maximumRequests of a burst and answers 429 with a JSON body', async () => {
    const chain = await limiter(config(perHour(3)));
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await chain.send());
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 429, 429]);
    expect(results[3]?.body).toEqual({ error: 'rate limit exceeded' });
    expect(results[3]?.upstreamCalled).toBe(false);
    expect(results[3]?.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('exposes the limit headers on admitted and rejected responses', async () => {
    const chain = await limiter(config(perHour(2), { exposeHeaders: true }));
    const first = await chain.send();
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    const reset = Number(first.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(3_600_000);
    await chain.send();
    const rejected = await chain.send();
    expect(rejected.status).toBe(429);
    expect(rejected.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
  });

  it('reports the most restrictive of stacked windows', async () => {
    const limits = [
      { maximumRequests: 100, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 2, timePeriodInMilliseconds: 3_600_000 },
    ];
    const chain = await limiter(config(limits, { exposeHeaders: true }));
    const first = await chain.send();
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(1000);
  });

  it('starts a new window after the period, not before', async () => {
    // A test clock: the window ends when the test says, however busy the machine is.
    const clock = new TestClock();
    const chain = await limiter(
      config([{ maximumRequests: 1, timePeriodInMilliseconds: 50 }], { exposeHeaders: true }),
      { clock },
    );
    expect((await chain.send()).status).toBe(200);
    const rejected = await chain.send();
    expect(rejected.status).toBe(429);
    const reset = Number(rejected.headers['x-ratelimit-reset']);
    expect(reset).toBe(50);
    clock.advance(reset - 1);
    expect((await chain.send()).status).toBe(429);
    clock.advance(1);
    expect((await chain.send()).status).toBe(200);
  });

  it('counts per client IP', async () => {
    const chain = await limiter(config(perHour(1), { keySelector: { source: 'ip' } }));
    expect(
      await statuses(chain, [
        { remoteAddress: '10.0.0.1' },
        { remoteAddress: '10.0.0.2' },
        { remoteAddress: '10.0.0.1' },
        { remoteAddress: '2001:db8::1' },
      ]),
    ).toEqual([200, 200, 429, 200]);
  });

  it('counts per client IP behind trusted proxies, and ignores the header of anyone else', async () => {
    const keySelector = { source: 'ip' as const, clientIpHeader: 'X-Forwarded-For', trustedProxies: ['10.0.0.0/8'] };
    const chain = await limiter(config(perHour(1), { keySelector }));
    const viaProxy = (chain: string) => ({ remoteAddress: '10.1.2.3', headers: { 'x-forwarded-for': chain } });
    // Two clients behind one load balancer; the right-most untrusted hop is the client.
    expect(
      await statuses(chain, [
        viaProxy('203.0.113.1'),
        viaProxy('203.0.113.2'),
        viaProxy('198.51.100.9, 203.0.113.1, 10.9.9.9'),
        viaProxy('garbage'),
        viaProxy('also garbage'),
      ]),
    ).toEqual([200, 200, 429, 200, 429]);
    // A client that is not a trusted proxy cannot pick its bucket with the header.
    const direct = (spoofed: string) => ({ remoteAddress: '192.0.2.50', headers: { 'x-forwarded-for': spoofed } });
    expect(await statuses(chain, [direct('203.0.113.77'), direct('203.0.113.78')])).toEqual([200, 429]);
  });

  it('counts per header value, requests without the header sharing one bucket', async () => {
    const chain = await limiter(config(perHour(1), { keySelector: { source: 'header', header: 'X-Tenant' } }));
    expect(
      await statuses(chain, [
        { headers: { 'x-tenant': 'a' } },
        { headers: { 'x-tenant': 'b' } },
        { headers: { 'x-tenant': 'a' } },
        {},
        {},
      ]),
    ).toEqual([200, 200, 429, 200, 429]);
  });

  it('counts per client_id header', async () => {
    const chain = await limiter(config(perHour(1), { keySelector: { source: 'client-id' } }));
    expect(
      await statuses(chain, [
        { headers: { client_id: 'one' } },
        { headers: { client_id: 'two' } },
        { headers: { client_id: 'one' } },
      ]),
    ).toEqual([200, 200, 429]);
  });

  it('prefers the client an earlier policy identified over the raw header', async () => {
    const applications = ['a', 'b'].map((id) => ({
      name: `app-${id}`,
      clientId: id,
      contracts: [{ api: 'orders', version: 'v1' }],
    }));
    const chain = await compileChain(
      [
        {
          type: 'client-id-enforcement',
          name: 'ids',
          config: {
            credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
            clientIdExpression: "#[attributes.headers['X-Client']]",
            clientSecretExpression: '',
          },
        },
        { type: 'rate-limiting', name: 'limit', config: config(perHour(1), { keySelector: { source: 'client-id' } }) },
      ],
      { applications },
    );
    const as = (id: string) => ({ headers: { 'x-client': id } });
    expect((await chain.send(as('a'))).status).toBe(200);
    expect((await chain.send(as('b'))).status).toBe(200);
    expect((await chain.send(as('a'))).status).toBe(429);
  });

  // Reference: "keySelector (an expression; default: the whole API; a request whose key is missing counts in its own bucket)".
  it('a keySelector expression keys requests by its value; requests whose key is missing share a bucket of their own', async () => {
    const chain = await limiter(
      config(perHour(1), { keySelector: "#[attributes.headers['x-tenant'] ++ ':' ++ attributes.method]" }),
    );
    const as = (tenant: string | undefined, method = 'GET'): ExchangeInit => ({
      method,
      headers: tenant === undefined ? {} : { 'x-tenant': tenant },
    });
    expect(
      await statuses(chain, [as('a'), as('a', 'POST'), as('b'), as('a'), as(undefined), as(undefined, 'POST'), as('')]),
    ).toEqual([200, 200, 200, 429, 200, 429, 200]);
  });

  it('an expression key that reads a client id counts under it only when the request proves to be that client', async () => {
    const applications = [
      {
        name: 'partner',
        clientId: 'partner-id',
        clientSecret: hashSecret('partner-secret'),
        contracts: [{ api: 'orders', version: 'v1' }],
      },
    ];
    const chain = await limiter(
      config(perHour(2), { keySelector: "#[attributes.headers['client_id'] ++ '/' ++ attributes.method]" }),
      { applications },
    );
    const forged = { headers: { client_id: 'partner-id' } };
    const proven = { headers: { client_id: 'partner-id', client_secret: 'partner-secret' } };
    // Forged claims share the window of unproven claims; the partner keeps its own quota.
    expect(await statuses(chain, [forged, forged, forged])).toEqual([200, 200, 429]);
    expect(await statuses(chain, [proven, proven, proven])).toEqual([200, 200, 429]);
  });

  it('keeps policies apart in one store', async () => {
    const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
    const one = await limiter(config(perHour(1)), { counters }, 'one');
    const two = await limiter(config(perHour(1)), { counters }, 'two');
    expect((await one.send()).status).toBe(200);
    expect((await two.send()).status).toBe(200);
    expect((await one.send()).status).toBe(429);
  });

  it('keeps counting across a reload with the same window', async () => {
    const before = await limiter(config(perHour(2)));
    await before.send();
    await before.send();
    const after = await limiter(config(perHour(2), { exposeHeaders: true }), {
      counters: before.counters,
      runtimeState: before.runtimeState,
    });
    expect((await after.send()).status).toBe(429);
  });

  it('decides synchronously with a synchronous store', async () => {
    const handlers = (await limiter(config(perHour(1)))).handlers();
    const outcome = handlers.request?.(makeExchange());
    expect(outcome).toBeUndefined();
    const rejected = handlers.request?.(makeExchange());
    expect(rejected).toMatchObject({ status: 429 });
  });

  it('works with an asynchronous store', async () => {
    const memory = new MemoryCounterStore({ sweepIntervalMs: 0 });
    // A store that answers later, as a networked one does.
    const remote: CounterStore = {
      hit: (key, limits, now) => new Promise((r) => setImmediate(() => r(memory.hit(key, limits, now)))),
      slide: (key, limit, now) => memory.slide(key, limit, now),
    };
    const chain = await limiter(config(perHour(1), { exposeHeaders: true }), { counters: remote });
    const pending = chain.handlers().request?.(makeExchange());
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBeUndefined();
    const result = await chain.send();
    expect(result.status).toBe(429);
    expect(result.headers['x-ratelimit-remaining']).toBe('0');
  });
});
