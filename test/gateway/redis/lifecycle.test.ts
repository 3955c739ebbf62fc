import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { freePort, startRedis, type TestRedis } from '../../helpers/redis.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { DAY, eventually, get, sharedStorageStatus } from './support.js';

/** The gateway's connection follows the applied state: opened, kept, replaced, closed. */
describe('shared storage lifecycle', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  let gw: GatewayProcess;

  const stateWith = (sharedStorage: string | undefined, header = 'one') =>
    environmentState(
      [
        api('orders', upstream.url, [
          policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: 100, timePeriodInMilliseconds: DAY }] }),
          policy('tag', 'header-injection', { inboundHeaders: [{ key: 'X-Tag', value: header }] }),
        ]),
      ],
      [],
      sharedStorage === undefined ? {} : { sharedStorage },
    );

  /** Ids of the gateway's connections (CLIENT SETNAME tollgate), per database. */
  const gatewayConnections = async (): Promise<string[]> => {
    const list = (await redis.client().client('LIST')) as string;
    return list
      .split('\n')
      .filter((line) => / name=tollgate /.test(line))
      .map((line) => `${/ db=(\d+)/.exec(line)?.[1]}:${/^id=(\d+)/.exec(line)?.[1]}`);
  };

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
    gw = await startGatewayProcess();
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
    await redis?.close();
  });

  it('opens a connection when a state names sharedStorage, and keeps it across a reload with the same URL', async () => {
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: false, connected: false });
    expect((await gw.applyState(stateWith(redis.url))).status).toBe(200);
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: true, connected: true });
    const before = await gatewayConnections();
    expect(before).toHaveLength(1);
    expect((await get(`${gw.url}/orders/x`)).status).toBe(200);
    expect((await gw.applyState(stateWith(redis.url, 'two'))).body.changedApis).toEqual(['orders']);
    expect(await gatewayConnections()).toEqual(before);
    expect((await get(`${gw.url}/orders/x`)).status).toBe(200);
    const keys = await redis.client().keys('tollgate:{test}:orders/*');
    expect(await redis.client().hget(keys[0]!, 'c')).toBe('2');
  });

  it('replaces the connection when the URL changes, and closes it when sharedStorage is removed', async () => {
    const before = await gatewayConnections();
    expect((await gw.applyState(stateWith(`${redis.url}/3`))).status).toBe(200);
    await eventually('the old connection to close', async () => {
      const now = await gatewayConnections();
      return now.length === 1 && now[0]!.startsWith('3:') && now[0] !== before[0];
    });
    expect((await gw.applyState(stateWith(undefined))).status).toBe(200);
    await eventually('every connection to close', async () => (await gatewayConnections()).length === 0);
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: false, connected: false });
    // Counting locally now.
    expect((await get(`${gw.url}/orders/x`)).status).toBe(200);
  });

  it('refuses a sharedStorage URL it cannot use, and keeps serving the previous state', async () => {
    const refused = await gw.applyState(stateWith('memcached://cache:11211'));
    expect(refused.status).toBe(422);
    expect(refused.body.problems).toEqual([
      { path: '/environment/sharedStorage', message: expect.stringContaining('redis://') },
    ]);
    expect(JSON.stringify(refused.body)).not.toContain('cache:11211');
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: false });
  });

  it('applies a state whose Redis is unreachable, serves in the fail modes, and connects once Redis is there', async () => {
    const port = await freePort();
    const started = Date.now();
    expect((await gw.applyState(stateWith(`redis://127.0.0.1:${port}`))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: true, connected: false });
    const answer = await get(`${gw.url}/orders/x`);
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(2_000);
    expect((await gw.applyState(stateWith(redis.url))).status).toBe(200);
    expect(await sharedStorageStatus(gw)).toMatchObject({ configured: true, connected: true });
  });
});
