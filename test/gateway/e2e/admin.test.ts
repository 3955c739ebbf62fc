import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';

describe('admin API', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('requires the bearer token everywhere but /healthz', async () => {
    const refused = {
      status: 401,
      body: { error: 'TG_ADMIN_AUTH', message: 'Admin API calls need the bearer token of the node.' },
    };
    expect(await gw.admin('GET', '/state', undefined, 'wrong')).toEqual(refused);
    const none = await fetch(`${gw.adminUrl}/state`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(await none.json()).toEqual(refused.body);
    expect(
      await gw.admin('POST', '/transactions', { expectedRevision: 0, state: environmentState([]) }, 'wrong'),
    ).toEqual(refused);
    expect((await fetch(`${gw.adminUrl}/healthz`)).status).toBe(200);
  });

  it('applies a state, answers 409 to a stale revision and keeps serving', async () => {
    const state = environmentState([
      api('orders', upstream.url, [policy('login', 'basic-auth', { username: 'ops', password: 'hunter2-long' })]),
    ]);
    const first = await gw.admin('POST', '/transactions', { expectedRevision: 0, state });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ revision: 1, changedApis: ['orders'], unchanged: false });
    const stale = await gw.admin('POST', '/transactions', { expectedRevision: 0, state: environmentState([]) });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ error: 'TG_STALE_REVISION', revision: 1 });
    const res = await request(`${gw.url}/orders/1`, {
      headers: { authorization: `Basic ${Buffer.from('ops:hunter2-long').toString('base64')}` },
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it('never returns secret values: GET /state shows scrypt digests with a random salt, and the keyed check', async () => {
    const state = await gw.admin('GET', '/state');
    expect(state.status).toBe(200);
    expect(JSON.stringify(state.body)).not.toContain('hunter2-long');
    expect(state.body.state.apis[0].chain[0].config.password).toEqual({
      kdf: 'scrypt',
      N: 16384,
      r: 8,
      p: 1,
      salt: expect.stringMatching(/^[A-Za-z0-9+/]{22}==$/),
      hash: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      check: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(gw.output()).not.toContain('hunter2-long');
    expect(await readFile(path.join(gw.stateDir, 'state.json'), 'utf8')).not.toContain('hunter2-long');
  });

  it('re-applying the same state is a no-op that keeps the revision', async () => {
    const current = await gw.admin('GET', '/state');
    const again = await gw.admin('POST', '/transactions', {
      expectedRevision: current.body.revision,
      state: environmentState([
        api('orders', upstream.url, [policy('login', 'basic-auth', { username: 'ops', password: 'hunter2-long' })]),
      ]),
    });
    expect(again.body).toMatchObject({ unchanged: true, revision: current.body.revision });
  });

  it('refuses a chain that breaks precedence with 422 and the rule, and keeps the previous state', async () => {
    const current = await gw.admin('GET', '/state');
    const bad = environmentState([
      api('orders', upstream.url, [
        policy('office', 'ip-allowlist', { ips: ['127.0.0.1'] }),
        policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }] }),
      ]),
    ]);
    const refused = await gw.admin('POST', '/transactions', { expectedRevision: current.body.revision, state: bad });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('TG_INVALID_STATE');
    expect(refused.body.problems[0].message).toMatch(
      /precedence: "limit" \(rate-limiting\) is listed after "office" \(ip-allowlist\).*Expected order: limit → office/,
    );
    expect((await gw.admin('GET', '/state')).body.revision).toBe(current.body.revision);
  });

  it('refuses schema errors and unresolved secret references with 422', async () => {
    const current = await gw.admin('GET', '/state');
    const wrongType = await gw.admin('POST', '/transactions', {
      expectedRevision: current.body.revision,
      state: environmentState([
        api('orders', upstream.url, [policy('limit', 'rate-limiting', { rateLimits: 'many' })]),
      ]),
    });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body.problems[0]).toMatchObject({ path: '/apis/0/chain/0/config/rateLimits' });
    const unresolved = await gw.admin('POST', '/transactions', {
      expectedRevision: current.body.revision,
      state: environmentState([
        api('orders', upstream.url, [policy('login', 'basic-auth', { username: 'a', password: '${env:PASSWORD}' })]),
      ]),
    });
    expect(unresolved.status).toBe(422);
    expect(unresolved.body.problems[0].path).toBe('/apis/0/chain/0/config/password');
  });

  it('applies a transaction of changes against the current state', async () => {
    const current = await gw.admin('GET', '/state');
    const res = await gw.admin('POST', '/transactions', {
      expectedRevision: current.body.revision,
      changes: [{ op: 'put-api', api: api('catalog', upstream.url) }],
    });
    expect(res.status).toBe(200);
    expect(res.body.changedApis).toEqual(['catalog']);
    const state = await gw.admin('GET', '/state');
    expect(state.body.state.apis.map((a: { name: string }) => a.name)).toEqual(['catalog', 'orders']);
  });

  it('reports status and history', async () => {
    const status = await gw.admin('GET', '/status');
    expect(status.body).toMatchObject({ ready: true, environment: 'test' });
    expect(status.body.apis.map((a: { name: string; status: string }) => `${a.name}:${a.status}`)).toEqual([
      'catalog:serving',
      'orders:serving',
    ]);
    expect(status.body.history[0]).toMatchObject({ result: 'applied' });
    expect(status.body.history.some((h: { result: string }) => h.result === 'refused')).toBe(true);
  });
});
