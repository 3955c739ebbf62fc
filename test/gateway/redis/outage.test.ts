import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { startRedis, type TestRedis } from '../../helpers/redis.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { DAY, countStatuses, eventually, get, sharedStorageStatus, type Answer } from './support.js';

/**
 * The hit timeout of the replicas' Redis URL: wide enough that Redis answers
 * in time on a busy machine (at the default 100 ms, hits fell back while Redis
 * was up), and a hung Redis still costs a request no more than it.
 */
const HIT_TIMEOUT_MS = 500;
/** No request waits longer than this while Redis is down or hung (a request that hung would wait 10 s). */
const BOUND_MS = 5 * HIT_TIMEOUT_MS;

/** Redis stopped, restarted and hung under two real gateway processes. */
describe('shared storage outages', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  let gw1: GatewayProcess;
  let gw2: GatewayProcess;

  const limited = (name: string, max: number, failMode: 'open' | 'closed') =>
    api(name, upstream.url, [
      policy('limit', 'rate-limiting', {
        rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: DAY }],
        failMode,
      }),
    ]);
  const unreachableLines = (gw: GatewayProcess) =>
    gw.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('shared storage unreachable'));

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
    [gw1, gw2] = await Promise.all([startGatewayProcess(), startGatewayProcess()]);
    const state = environmentState(
      [
        limited('open', 4, 'open'),
        limited('closed', 4, 'closed'),
        limited('after', 4, 'closed'),
        limited('hung-open', 1_000, 'open'),
        limited('hung-closed', 1_000, 'closed'),
        api('spiky', upstream.url, [
          policy('spike', 'spike-control', {
            maximumRequests: 100,
            timePeriodInMilliseconds: DAY,
            delayAttempts: 0,
            failMode: 'closed',
          }),
        ]),
      ],
      [],
      { sharedStorage: `${redis.url}?timeout=${HIT_TIMEOUT_MS}` },
    );
    for (const gw of [gw1, gw2]) expect((await gw.applyState(structuredClone(state))).status).toBe(200);
  });

  afterAll(async () => {
    redis?.resume();
    await Promise.all([gw1?.stop(), gw2?.stop()]);
    await upstream?.close();
    await redis?.close();
  });

  it('Redis stopped: fail-open counts locally, fail-closed answers 503, nothing hangs, the outage is logged once', async () => {
    expect((await get(`${gw1.url}/open/x`)).status).toBe(200);
    expect((await get(`${gw1.url}/closed/x`)).status).toBe(200);
    await redis.stop();

    const open: Answer[] = [];
    const closed: Answer[] = [];
    for (let i = 0; i < 6; i++) {
      open.push(await get(`${gw1.url}/open/x`));
      closed.push(await get(`${gw1.url}/closed/x`));
    }
    // Local counting from zero: the replica admits its own 4, whatever Redis had counted.
    expect(open.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(closed.map((a) => a.status)).toEqual([503, 503, 503, 503, 503, 503]);
    expect(closed[0]!.headers['retry-after']).toBe('1');
    expect((await get(`${gw1.url}/spiky/x`)).status).toBe(503);
    // Under concurrent load too.
    const burst = await Promise.all(
      Array.from({ length: 40 }, (_, i) => get(`${gw1.url}/${i % 2 ? 'open' : 'closed'}/x`)),
    );
    expect(countStatuses(burst)).toEqual({ 429: 20, 503: 20 });
    for (const a of [...open, ...closed, ...burst]) expect(a.ms).toBeLessThan(BOUND_MS);

    const status = await sharedStorageStatus(gw1);
    expect(status).toMatchObject({ configured: true, connected: false, outages: 1 });
    expect(status.fallbacks.open).toBe(26);
    expect(status.fallbacks.closed).toBe(27);
    const metrics = (await gw1.admin('GET', '/metrics')).body as string;
    expect(metrics).toContain('tollgate_shared_storage_connected 0');
    expect(metrics).toContain('tollgate_shared_storage_fallbacks_total{mode="closed"} 27');
    expect(metrics).toContain('tollgate_shared_storage_outages_total 1');
    // Once per outage, not per request (53 requests fell back).
    expect(unreachableLines(gw1)).toHaveLength(1);
    // The other replica noticed the closed connection without a request.
    await eventually('gw2 to notice', async () => !(await sharedStorageStatus(gw2)).connected);
    expect(unreachableLines(gw2)).toHaveLength(1);
    expect(gw1.child.exitCode).toBeNull();
  });

  it('Redis back: both replicas reconnect by themselves and count across replicas again', async () => {
    await redis.start();
    for (const gw of [gw1, gw2])
      await eventually('the replica to reconnect', async () => (await sharedStorageStatus(gw)).connected, 5_000);
    expect(gw1.logs.some((l) => l.msg === 'shared storage reachable again: counting across replicas resumed')).toBe(
      true,
    );
    // Redis restarted empty; 6 requests over two replicas admit 4 in all, not 4 each.
    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await get(`${(i % 2 ? gw2 : gw1).url}/after/x`));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 429, 429]);
    expect(await redis.client().hget((await redis.client().keys('tollgate:{test}:after/*'))[0]!, 'c')).toBe('4');
    expect((await sharedStorageStatus(gw1)).fallbacks.closed).toBe(27);
  });

  it('Redis hung (SIGSTOP): requests wait at most the timeout, then fail open or closed; counting resumes when it answers', async () => {
    expect((await get(`${gw1.url}/hung-open/x`)).status).toBe(200);
    const outagesBefore = (await sharedStorageStatus(gw1)).outages;
    redis.pause();
    let answers: Answer[];
    try {
      answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => get(`${gw1.url}/${i % 2 ? 'hung-open' : 'hung-closed'}/x`)),
      );
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 20 }, (_, i) => get(`${gw1.url}/${i % 2 ? 'hung-open' : 'hung-closed'}/x`)),
        )),
      );
    } finally {
      redis.resume();
    }
    expect(countStatuses(answers)).toEqual({ 200: 20, 503: 20 });
    for (const a of answers) expect(a.ms).toBeLessThan(BOUND_MS);
    expect((await sharedStorageStatus(gw1)).outages).toBe(outagesBefore + 1);
    await eventually(
      'the replica to see Redis answer again',
      async () => (await sharedStorageStatus(gw1)).connected,
      5_000,
    );
    const fellBack = (await sharedStorageStatus(gw1)).fallbacks;
    expect((await get(`${gw1.url}/hung-closed/x`)).status).toBe(200);
    expect((await sharedStorageStatus(gw1)).fallbacks).toEqual(fellBack);
  });
});
