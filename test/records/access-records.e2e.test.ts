import { mkdtemp, readFile, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually, statusOf } from '../helpers/wait.js';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

async function lines(file: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('access records', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let file: string;
  beforeAll(async () => {
    upstream = await startUpstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-records-'));
    file = path.join(dir, 'access.ndjson');
    gw = await startGatewayProcess({ args: ['--node-name', 'gw-test-1'] });
    const state = environmentState(
      [
        api(
          'orders',
          upstream.url,
          [
            policy('quota', 'rate-limiting', {
              rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 3_600_000 }],
              keySelector: { source: 'api' },
            }),
            policy('login', 'basic-auth', { username: 'ops', password: 'a-long-password', realm: 'r' }),
            policy('admin-only', 'ip-allowlist', { ips: ['10.0.0.0/8'] }, { rules: [{ path: '^/admin' }] }),
          ],
          { accessRecords: { sampling: 1 } },
        ),
        api('partners', upstream.url, [policy('partners', 'client-id-enforcement')], {
          accessRecords: { sampling: 1 },
        }),
        api('quiet', upstream.url),
      ],
      [
        {
          name: 'acme',
          clientId: 'acme-id',
          clientSecret: 'acme-secret-value',
          contracts: [{ api: 'partners', version: 'v1' }],
        },
      ],
      { accessRecords: { destination: { file }, sampling: 1 } },
    );
    expect((await gw.applyState(state)).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it('one record per request: status, latency, bytes, identity and the policies that ran, never a credential', async () => {
    expect(await statusOf(`${gw.url}/orders/a?token=query-secret`, basic('ops', 'a-long-password'))).toBe(200);
    expect(await statusOf(`${gw.url}/orders/b`, basic('ops', 'wrong-password'))).toBe(401);
    expect(await statusOf(`${gw.url}/orders/c`, basic('ops', 'a-long-password'))).toBe(429);
    expect(await statusOf(`${gw.url}/partners/x`, { client_id: 'acme-id', client_secret: 'acme-secret-value' })).toBe(
      200,
    );
    expect(await statusOf(`${gw.url}/partners/x`, { client_id: 'acme-id', client_secret: 'a-guess' })).toBe(401);
    expect(await statusOf(`${gw.url}/quiet/x`)).toBe(200);
    expect(await statusOf(`${gw.url}/nowhere`)).toBe(404);
    const records = await eventually(async () => {
      const all = await lines(file);
      return all.length >= 6 ? all : undefined;
    });
    expect(records).toHaveLength(6);
    const [ok, wrong, limited, partner, guess, missing] = records;
    expect(ok).toMatchObject({
      environment: 'test',
      node: 'gw-test-1',
      api: 'orders',
      method: 'GET',
      path: '/orders/a',
      status: 200,
      clientIp: '127.0.0.1',
      principal: 'ops',
      policies: ['quota', 'login'],
    });
    expect(ok!.answeredBy).toBeUndefined();
    expect(Number(ok!.bytes)).toBeGreaterThan(0);
    expect(Number(ok!.latencyMs)).toBeGreaterThan(0);
    expect(new Date(String(ok!.time)).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect(wrong).toMatchObject({ status: 401, answeredBy: 'login', policies: ['quota', 'login'] });
    expect(wrong!.principal).toBeUndefined();
    expect(limited).toMatchObject({ status: 429, answeredBy: 'quota', policies: ['quota'] });
    expect(partner).toMatchObject({ api: 'partners', status: 200, client: { id: 'acme-id', verified: true } });
    expect(guess).toMatchObject({ api: 'partners', status: 401, client: { id: 'acme-id', verified: false } });
    // The quiet API has no records; a path no API serves follows the environment's sampling.
    expect(missing).toMatchObject({ api: null, path: '/nowhere', status: 404, policies: [] });
    const text = await readFile(file, 'utf8');
    for (const secret of [
      'a-long-password',
      'wrong-password',
      'acme-secret-value',
      'a-guess',
      'query-secret',
      'Basic ',
    ])
      expect(text).not.toContain(secret);
  });

  it('reopens the file on SIGHUP, as log rotation expects', async () => {
    const rotated = `${file}.1`;
    await rename(file, rotated);
    gw.child.kill('SIGHUP');
    // Requests sent before the signal is handled still go to the renamed file; once one reaches the new file, every later one does.
    await eventually(async () => {
      await statusOf(`${gw.url}/nowhere-while-rotating`);
      return (await lines(file)).some((r) => r.path === '/nowhere-while-rotating');
    });
    expect(await statusOf(`${gw.url}/nowhere-after-rotation`)).toBe(404);
    await eventually(async () => (await lines(file)).some((r) => r.path === '/nowhere-after-rotation'));
    expect((await lines(rotated)).some((r) => r.path === '/nowhere-after-rotation')).toBe(false);
    expect(await statusOf(`${gw.url}/quiet/x`)).toBe(200);
  });

  it('status and metrics count the records', async () => {
    const status = (await gw.admin('GET', '/status')).body;
    expect(status.accessRecords).toMatchObject({ destination: { file }, dropped: 0 });
    expect(status.accessRecords.recorded).toBeGreaterThanOrEqual(7);
    const metrics = (await gw.admin('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/^tollgate_access_records_total \d+$/m);
    expect(metrics).toMatch(/^tollgate_responses_total\{api="orders",status="429"\} 1$/m);
    expect(metrics).toMatch(/^tollgate_request_duration_seconds_count\{api="orders"\} 3$/m);
  });
});
