import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { DAY, countStatuses, get, sharedStorageStatus } from './support.js';

/** Three real gateway processes behind no load balancer but the test's round robin, one real redis-server. */
describe('three gateway replicas sharing one Redis', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  const gateways: GatewayProcess[] = [];
  let state: ReturnType<typeof environmentState>;

  const limit = (
    name: string,
    rateLimits: { maximumRequests: number; timePeriodInMilliseconds: number }[],
    extra: Record<string, unknown> = {},
  ) => policy(name, 'rate-limiting', { rateLimits, exposeHeaders: true, ...extra });

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
    // The URL is the gateways' own secret: the state names it by reference, each gateway resolves it.
    const env = { SHARED_REDIS_URL: `${redis.url}?timeout=1000` };
    gateways.push(
      ...(await Promise.all([
        startGatewayProcess({ env }),
        startGatewayProcess({ env }),
        startGatewayProcess({ env }),
      ])),
    );
    state = environmentState(
      [
        api('warm', upstream.url, [limit('limit', [{ maximumRequests: 1_000_000, timePeriodInMilliseconds: DAY }])]),
        api('shared', upstream.url, [limit('limit', [{ maximumRequests: 50, timePeriodInMilliseconds: 60_000 }])]),
        api('stacked', upstream.url, [
          limit('limit', [
            { maximumRequests: 10, timePeriodInMilliseconds: DAY },
            { maximumRequests: 2, timePeriodInMilliseconds: 3_600_000 },
          ]),
        ]),
        api('local', upstream.url, [
          limit('limit', [{ maximumRequests: 3, timePeriodInMilliseconds: DAY }], { clusterizable: false }),
        ]),
        api('spiky', upstream.url, [
          policy('spike', 'spike-control', { maximumRequests: 4, timePeriodInMilliseconds: DAY, delayAttempts: 0 }),
        ]),
        api(
          'partners',
          upstream.url,
          [policy('client-id', 'client-id-enforcement'), policy('sla', 'rate-limiting-sla', { exposeHeaders: true })],
          {
            slaTiers: [{ name: 'bronze', limits: [{ maximumRequests: 5, timePeriodInMilliseconds: DAY }] }],
          },
        ),
        api('survive', upstream.url, [limit('limit', [{ maximumRequests: 5, timePeriodInMilliseconds: DAY }])]),
      ],
      [
        {
          name: 'bronze-app',
          clientId: 'bronze-id',
          clientSecret: 'bronze-secret',
          contracts: [{ api: 'partners', version: 'v1', tier: 'bronze' }],
        },
      ],
      // A generous hit timeout: on a CI machine whose cores are shared by every test process, a hit may wait
      // longer than the 100 ms default, and would then be counted locally (fail-open). The outage tests use the default.
      { sharedStorage: '${env:SHARED_REDIS_URL}' },
    );
    for (const gw of gateways) expect((await gw.applyState(structuredClone(state))).status).toBe(200);
    // Warm every replica's request path (and its Redis connection) before anything is measured.
    await Promise.all(gateways.flatMap((gw) => Array.from({ length: 20 }, () => get(`${gw.url}/warm/x`))));
  });

  afterAll(async () => {
    await Promise.all(gateways.map((gw) => gw.stop()));
    await upstream?.close();
    await redis?.close();
  });

  const roundRobin = (path: string, n: number, headers?: Record<string, string>) =>
    Promise.all(Array.from({ length: n }, (_, i) => get(`${gateways[i % gateways.length]!.url}${path}`, headers)));

  it('admit exactly the limit under concurrent load: 50 per minute, 3 × 60 concurrent requests → 50 × 200', async () => {
    const answers = await roundRobin('/shared/items', 180);
    expect(countStatuses(answers)).toEqual({ 200: 50, 429: 130 });
    const rejected = answers.find((a) => a.status === 429)!;
    expect(rejected.headers['x-ratelimit-limit']).toBe('50');
    expect(rejected.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(rejected.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(rejected.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60_000);
    // Every replica counted in Redis: none fell back.
    for (const gw of gateways)
      expect(await sharedStorageStatus(gw)).toMatchObject({
        configured: true,
        connected: true,
        endpoint: `127.0.0.1:${redis.port}`,
        fallbacks: { open: 0, closed: 0 },
        outages: 0,
      });
    const keys = await redis.client().keys('tollgate:{test}:shared/limit/api:60000');
    expect(keys).toHaveLength(1);
    expect(await redis.client().hget(keys[0]!, 'c')).toBe('50');
  }, 60_000);

  it('stacked windows: a hit counts in every window or none, and the most restrictive window is reported', async () => {
    const answers: Awaited<ReturnType<typeof get>>[] = [];
    for (let i = 0; i < 4; i++) answers.push(await get(`${gateways[i % 3]!.url}/stacked/x`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 429, 429]);
    expect(answers[1]!.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
    expect(answers[2]!.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
    const client = redis.client();
    const hour = await client.keys('tollgate:{test}:stacked/limit/api:3600000');
    const day = await client.keys(`tollgate:{test}:stacked/limit/api:${DAY}`);
    // The day window was not charged for the two rejected hits.
    expect([await client.hget(hour[0]!, 'c'), await client.hget(day[0]!, 'c')]).toEqual(['2', '2']);
    expect(await client.pttl(hour[0]!)).toBeLessThanOrEqual(3_600_000);
  });

  it('spike-control and rate-limiting-sla count across replicas too', async () => {
    expect(countStatuses(await roundRobin('/spiky/x', 9))).toEqual({ 200: 4, 429: 5 });
    expect(
      countStatuses(await roundRobin('/partners/x', 9, { client_id: 'bronze-id', client_secret: 'bronze-secret' })),
    ).toEqual({ 200: 5, 429: 4 });
  });

  it('a policy with clusterizable: false counts on each replica alone', async () => {
    expect(countStatuses(await roundRobin('/local/x', 12))).toEqual({ 200: 9, 429: 3 });
    expect(await redis.client().keys('tollgate:{test}:local/*')).toEqual([]);
  });

  it('status and metrics show the shared storage; GET /state never shows its URL', async () => {
    const [gw] = gateways;
    const metrics = await gw!.admin('GET', '/metrics');
    expect(metrics.body).toContain('tollgate_shared_storage_connected 1');
    expect(metrics.body).toContain('tollgate_shared_storage_fallbacks_total{mode="open"} 0');
    expect(metrics.body).toMatch(/tollgate_shared_storage_local_rejections_total \d+/);
    const publicState = await gw!.admin('GET', '/state');
    expect(JSON.stringify(publicState.body)).not.toContain(redis.url);
    expect(publicState.body.state.environment.sharedStorage).toBe('${env:SHARED_REDIS_URL}');
    expect(await readFile(path.join(gw!.stateDir, 'state.json'), 'utf8')).not.toContain(redis.url);
    expect(JSON.stringify((await gw!.admin('GET', '/status')).body)).not.toContain('redis://');
  });

  it('counters survive a gateway restart (the persisted state reconnects to Redis)', async () => {
    const first = gateways[0]!;
    for (let i = 0; i < 3; i++) expect((await get(`${first.url}/survive/x`)).status).toBe(200);
    await first.stop();
    const restarted = await startGatewayProcess({
      stateDir: first.stateDir,
      args: ['--gatekeeper-grace', '0'],
      env: { SHARED_REDIS_URL: `${redis.url}?timeout=1000` },
    });
    gateways[0] = restarted;
    expect(await sharedStorageStatus(restarted)).toMatchObject({ configured: true, connected: true });
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await get(`${restarted.url}/survive/x`)).status);
    expect(after).toEqual([200, 200, 429]);
    expect((await get(`${gateways[1]!.url}/survive/x`)).status).toBe(429);
  });
});
