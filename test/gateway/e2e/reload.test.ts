import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { statusOf } from '../../helpers/wait.js';
import { DAY } from '../../helpers/durations.js';

describe('hot reload', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  /** Holds every request until the test releases it, and says when one arrived. */
  let held: TestUpstream;
  const arrivals: ServerResponse[] = [];
  let arrived: (() => void) | undefined;
  // Day windows (and a guard before the first request): a window that ends between two requests would reset the count.
  const limit = (max: number, period = DAY) =>
    policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: period }] });
  const tag = (value: string) => policy('tag', 'header-injection', { inboundHeaders: [{ key: 'X-Tag', value }] });

  beforeAll(async () => {
    upstream = await startUpstream();
    held = await startUpstream((_req, res) => {
      arrivals.push(res);
      arrived?.();
    });
    gw = await startGatewayProcess();
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
    await held.close();
  });

  it('keeps rate-limit counters across a reload that changes another policy of the same API', async () => {
    expect(
      (
        await gw.applyState(
          environmentState([api('orders', upstream.url, [limit(3), tag('one')]), api('other', upstream.url)]),
        )
      ).status,
    ).toBe(200);
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(200);
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(200);
    const reload = await gw.applyState(
      environmentState([api('orders', upstream.url, [limit(3), tag('two')]), api('other', upstream.url)]),
    );
    expect(reload.body.changedApis).toEqual(['orders']);
    const seen = await request(`${gw.url}/orders/x`);
    expect(seen.statusCode).toBe(200);
    expect(((await seen.body.json()) as { headers: Record<string, string> }).headers['x-tag']).toBe('two');
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(429);
  });

  it('recompiles only the APIs that changed', async () => {
    const reload = await gw.applyState(
      environmentState([api('orders', upstream.url, [limit(3), tag('two')]), api('other', upstream.url, [tag('new')])]),
    );
    expect(reload.body.changedApis).toEqual(['other']);
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(429);
  });

  it('starts a fresh count when the window itself changes', async () => {
    await gw.applyState(
      environmentState([
        api('orders', upstream.url, [limit(3, DAY / 2), tag('two')]),
        api('other', upstream.url, [tag('new')]),
      ]),
    );
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(200);
  });

  it('lets in-flight requests finish on the chain they started with, even when their API is removed', async () => {
    await gw.applyState(environmentState([api('slow', held.url)]));
    const reachedUpstream = new Promise<void>((resolve) => (arrived = resolve));
    const inFlight = request(`${gw.url}/slow/x`);
    // In flight for certain: the upstream holds it until the API is gone.
    await reachedUpstream;
    const removed = await gw.applyState(environmentState([]));
    expect(removed.body.changedApis).toEqual(['slow']);
    expect(await statusOf(`${gw.url}/slow/x`)).toBe(404);
    arrivals.shift()?.end('finished');
    const res = await inFlight;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('finished');
  });

  it('a refused reload leaves the previous state serving', async () => {
    await gw.applyState(environmentState([api('orders', upstream.url, [tag('kept')])]));
    const custom = policy('broken', 'custom', { module: '/nonexistent/policy.mjs' });
    const refused = await gw.applyState(environmentState([api('orders', upstream.url, [tag('kept'), custom])]));
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('TG_COMPILE');
    expect(refused.body.message).toContain('"broken"');
    const res = await request(`${gw.url}/orders/x`);
    expect(((await res.body.json()) as { headers: Record<string, string> }).headers['x-tag']).toBe('kept');
  });
});
