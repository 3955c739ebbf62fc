import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { ordersManifests } from '../../helpers/manifests.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { eventually, statusOf } from '../../helpers/wait.js';

/** A valid Api whose ip-allowlist lists `count` addresses: megabytes of YAML that are slow and big to read. */
function hugeApi(environment: string, count: number): string {
  const ips: string[] = [];
  for (let i = 0; i < count; i++) ips.push(`          - 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
  return `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: huge }
spec:
  version: v1
  basePath: /huge
  upstream: http://127.0.0.1:9/
  environments: [${environment}]
  policies:
    - name: allow
      type: ip-allowlist
      config:
        ips:
${ips.join('\n')}
`;
}

/** Requests one after another for as long as `during` runs: every status and the slowest answer. */
async function steadyStream(
  url: string,
  during: Promise<unknown>,
): Promise<{ statuses: Set<number>; maxMs: number; p99Ms: number; count: number }> {
  let done = false;
  void during.finally(() => (done = true));
  const statuses = new Set<number>();
  const latencies: number[] = [];
  while (!done) {
    const started = performance.now();
    const res = await request(url);
    await res.body.dump();
    latencies.push(performance.now() - started);
    statuses.add(res.statusCode);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  latencies.sort((a, b) => a - b);
  return {
    statuses,
    maxMs: latencies.at(-1) ?? 0,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    count: latencies.length,
  };
}

/**
 * Parsing these manifests on the data plane's thread would stall it for seconds; running beside it, the
 * control side costs it nothing but what a busy machine costs any request (this suite shares its cores).
 */
function expectUndisturbed(stream: { p99Ms: number; maxMs: number }): void {
  expect(stream.p99Ms).toBeLessThan(250);
  expect(stream.maxMs).toBeLessThan(1000);
}

describe('the control side runs off the data plane', () => {
  let gw: GatewayProcess | undefined;
  let upstream: TestUpstream | undefined;
  afterEach(async () => {
    await gw?.stop();
    await upstream?.close();
    gw = undefined;
    upstream = undefined;
  });

  async function serve(args: string[] = []) {
    upstream = await startUpstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-isolation-'));
    await writeFile(
      path.join(dir, 'orders.yaml'),
      ordersManifests({ environment: 'dev', upstream: upstream.url, limit: 1_000_000 }),
    );
    gw = await startGatewayProcess({ args: ['--config', dir, '--watch', ...args] });
    await gw.waitForLog((l) => l.msg === 'reloaded');
    return { dir, gw };
  }

  it('a file over the size limit is not read: a clear error, the last good state serves, requests are not delayed', async () => {
    const { dir, gw } = await serve(['--max-file-size', '1']);
    const saved = (async () => {
      await writeFile(path.join(dir, 'huge.yaml'), hugeApi('dev', 60_000));
      return gw.waitForLog((l) => l.code === 'TG_MANIFEST_TOO_LARGE');
    })();
    const stream = await steadyStream(`${gw.url}/orders/x`, saved);
    const error = await saved;
    expect(error).toMatchObject({ file: path.join(dir, 'huge.yaml'), line: 1, col: 1 });
    expect(String(error.msg)).toMatch(
      /over the limit of 1\.0 MiB per manifest file; it was not read\. .*--max-file-size/,
    );
    expect([...stream.statuses]).toEqual([200]);
    expectUndisturbed(stream);
    expect(await statusOf(`${gw.url}/huge/x`)).toBe(404);
  });

  it('a file that exhausts the control heap: the worker is restarted and reported, the data plane never stops, the file is not read again', async () => {
    const { dir, gw } = await serve(['--control-heap', '40']);
    const crashed = (async () => {
      await writeFile(path.join(dir, 'huge.yaml'), hugeApi('dev', 400_000));
      await gw.waitForLog(
        (l) => l.msg === 'the control side crashed; the data plane keeps serving, restarting it',
        30_000,
      );
      return gw.waitForLog((l) => l.msg === 'manifests not read; the last good state keeps serving', 30_000);
    })();
    const stream = await steadyStream(`${gw.url}/orders/x`, crashed);
    const refused = await crashed;
    expect(String(refused.reason)).toMatch(/crashed the control side .* not read again until a file changes/);
    expect([...stream.statuses]).toEqual([200]);
    expect(stream.count).toBeGreaterThan(10);
    expectUndisturbed(stream);
    const crash = gw.logs.find(
      (l) => l.msg === 'the control side crashed; the data plane keeps serving, restarting it',
    );
    expect(crash).toMatchObject({ reason: 'out of memory (heap limit 40 MiB)', restarts: 1, whileReading: true });
    const status = await eventually(async () => (await gw.admin('GET', '/status')).body);
    expect(status.control).toMatchObject({ count: 1, lastReason: 'out of memory (heap limit 40 MiB)' });
    expect(status.apis.map((a: { name: string }) => a.name)).toEqual(['orders']);
    expect((await gw.admin('GET', '/metrics')).body).toContain('tollgate_control_restarts_total 1');
    // Fixing the folder (the huge file goes) is read and applied by the new worker.
    await writeFile(path.join(dir, 'huge.yaml'), '# moved elsewhere\n');
    await eventually(async () => gw.logs.some((l) => l.msg === 'reconciled' && l.trigger === 'file change'), 20_000);
    expect(await statusOf(`${gw.url}/orders/x`)).toBe(200);
  });

  it('SIGTERM lets a request in flight finish, then the process exits 0', async () => {
    upstream = await startUpstream((_req, res) => setTimeout(() => res.end('slow'), 600));
    gw = await startGatewayProcess();
    const apis = [
      {
        name: 'slow',
        version: 'v1',
        basePath: '/slow',
        upstream: upstream.url,
        timeoutMs: 5000,
        chain: [],
        slaTiers: [],
      },
    ];
    expect(
      (
        await gw.applyState({
          environment: { name: 'test', precedence: 'strict', gatekeeper: 'flexible' },
          apis,
          applications: [],
        })
      ).status,
    ).toBe(200);
    const inFlight = request(`${gw.url}/slow/x`).then(async (res) => ({
      status: res.statusCode,
      body: await res.body.text(),
    }));
    await eventually(async () => upstream!.seen.length === 1);
    const exited = gw.stop('SIGTERM');
    expect(await inFlight).toEqual({ status: 200, body: 'slow' });
    expect(await exited).toBe(0);
  });
});
