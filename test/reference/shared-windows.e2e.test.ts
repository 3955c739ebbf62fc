import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { get, sharedStorageStatus } from '../gateway/redis/support.js';

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two real gateway processes sharing one real redis-server: the windows of the reference, exact across replicas. */
describe('windows shared between replicas', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  let one: GatewayProcess;
  let two: GatewayProcess;

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
    const env = { SHARED_REDIS_URL: `${redis.url}?timeout=1000` };
    [one, two] = await Promise.all([startGatewayProcess({ env }), startGatewayProcess({ env })]);
    const state = environmentState(
      [
        api('keyed', upstream.url, [
          policy('limit', 'rate-limiting', {
            rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: DAY }],
            keySelector: "#[attributes.headers['x-key']]",
            exposeHeaders: true,
          }),
        ]),
        api('spiky', upstream.url, [
          policy('spike', 'spike-control', {
            maximumRequests: 2,
            timePeriodInMilliseconds: 6_000,
            delayAttempts: 0,
            exposeHeaders: true,
          }),
        ]),
      ],
      [],
      { sharedStorage: '${env:SHARED_REDIS_URL}' },
    );
    for (const gw of [one, two]) expect((await gw.applyState(structuredClone(state))).status).toBe(200);
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
    await upstream?.close();
    await redis?.close();
  });

  // Reference (rate-limiting): "fixed windows, each started by the first request of its key, not aligned to the clock"; with clusterizable,
  // "each window admits at most its quota ... across all" (issue 13).
  it('rate-limiting: a key’s window starts with its first request on any replica, and admits its quota across both', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await get(`${(i % 2 ? two : one).url}/keyed/x`, { 'x-key': 'k1' }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(Number(answers[0]!.headers['x-ratelimit-reset'])).toBeGreaterThan(DAY - 10_000);
    // The replica that did not see the first request reports the same window.
    expect(
      Math.abs(Number(answers[1]!.headers['x-ratelimit-reset']) - Number(answers[0]!.headers['x-ratelimit-reset'])),
    ).toBeLessThan(5_000);
    const [first] = await redis.client().keys('tollgate:{test}:keyed/limit/expr:*');
    expect(await redis.client().hget(first!, 'c')).toBe('3');
    for (const gw of [one, two]) expect((await sharedStorageStatus(gw)).fallbacks).toEqual({ open: 0, closed: 0 });
  });

  // Reference (spike-control): "a sliding window ... X-Ratelimit-Reset is 0 while quota remains".
  it('spike-control: one sliding window across both replicas, reset 0 while quota remains', async () => {
    const first = await get(`${one.url}/spiky/x`);
    expect([first.status, first.headers['x-ratelimit-reset']]).toEqual([200, '0']);
    await sleep(3_000);
    expect((await get(`${two.url}/spiky/x`)).status).toBe(200);
    const full = await get(`${one.url}/spiky/x`);
    expect(full.status).toBe(429);
    const reset = Number(full.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(3_000);
    await sleep(reset + 100);
    expect((await get(`${two.url}/spiky/x`)).status).toBe(200);
    expect((await get(`${one.url}/spiky/x`)).status).toBe(429);
  });
});
