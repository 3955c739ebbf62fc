import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const statusUrlOf = (gw: GatewayProcess) => String(gw.logs.find((l) => l.msg === 'gateway listening')!.statusUrl);

describe('status listener: probes without a token', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let withMetrics: GatewayProcess;

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess({ args: ['--status-listen', '127.0.0.1:0', '--gatekeeper', 'strict'] });
    withMetrics = await startGatewayProcess({
      args: ['--status-listen', '127.0.0.1:0', '--status-metrics', '--gatekeeper', 'disabled'],
    });
  });
  afterAll(async () => {
    await gw.stop();
    await withMetrics.stop();
    await upstream.close();
  });

  it('/healthz answers at once; /readyz is 503 while the gatekeeper holds the APIs, 200 once policies are applied', async () => {
    const status = statusUrlOf(gw);
    expect((await fetch(`${status}/healthz`)).status).toBe(200);
    const holding = await fetch(`${status}/readyz`);
    expect(holding.status).toBe(503);
    expect(await holding.json()).toEqual({ ready: false, reason: 'gatekeeper' });
    expect((await gw.applyState(environmentState([api('items', upstream.url)]))).status).toBe(200);
    const ready = await fetch(`${status}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });

  it('/metrics is there only when asked for, rendered by the control side, without the admin token', async () => {
    expect((await fetch(`${statusUrlOf(gw)}/metrics`)).status).toBe(404);
    const secret = 'do-not-show-this-password';
    expect(
      (
        await withMetrics.applyState(
          environmentState([
            api('items', upstream.url, [policy('login', 'basic-auth', { username: 'u', password: secret })]),
          ]),
        )
      ).status,
    ).toBe(200);
    await fetch(`${withMetrics.url}/items/x`);
    const metrics = await fetch(`${statusUrlOf(withMetrics)}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/tollgate_requests_total\{api="items",outcome="rejected"\} 1/);
    expect(text).toMatch(/tollgate_ready 1/);
    expect(text).not.toContain(secret);
    // The admin API's /metrics still wants its token.
    expect((await fetch(`${withMetrics.adminUrl}/metrics`)).status).toBe(401);
  });

  it('answers nothing else, and only to GET', async () => {
    const status = statusUrlOf(gw);
    expect((await fetch(`${status}/state`)).status).toBe(404);
    expect((await fetch(`${status}/readyz`, { method: 'POST' })).status).toBe(405);
  });
});
