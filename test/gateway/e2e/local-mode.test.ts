import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { eventually, statusOf } from '../../helpers/wait.js';
import { ordersManifests } from '../../helpers/manifests.js';
import { freePort } from '../../helpers/redis.js';

const manifest = (upstream: string, limit: number) => ordersManifests({ environment: 'dev', upstream, limit });

describe('gateway --config --watch (embedded local mode)', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let file: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-local-'));
    file = path.join(dir, 'orders.yaml');
    await writeFile(file, manifest(upstream.url, 1));
    gw = await startGatewayProcess({ args: ['--config', dir, '--watch'] });
    await gw.waitForLog((l) => l.msg === 'reloaded');
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('serves the folder, and applies a saved change', async () => {
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(200);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(429);
    await writeFile(file, manifest(upstream.url, 5));
    // The window is unchanged, so the count (1) carries over: 4 more are admitted.
    await eventually(async () => (await statusOf(`${gw.url}/orders/a`)) === 200);
  });

  it('reports an invalid save with its position and keeps the last good state serving; a fix is applied', async () => {
    const good = await readFile(file, 'utf8');
    const revision = (await gw.admin('GET', '/state')).body.revision as number;
    await writeFile(file, good.replace('maximumRequests: 5', 'maximumRequests: lots'));
    const error = await gw.waitForLog((l) => l.code === 'TG_SCHEMA');
    expect(error).toMatchObject({ file, line: 18, col: 49 });
    await gw.waitForLog((l) => String(l.msg).includes('the last good state keeps serving'));
    expect((await gw.admin('GET', '/state')).body.revision).toBe(revision);
    expect(await statusOf(`${gw.url}/orders/a`)).not.toBe(503);
    await writeFile(file, good.replace('maximumRequests: 5', 'maximumRequests: 50'));
    await eventually(async () => (await gw.admin('GET', '/state')).body.revision === revision + 1);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    expect(await gw.stop('SIGTERM')).toBe(0);
  });
});

describe('npm start (tollgate quickstart)', () => {
  it('serves examples/quickstart: 401, 200 then 429, and partner access with client credentials', async () => {
    const workdir = await mkdtemp(path.join(tmpdir(), 'tollgate-qs-'));
    const config = path.join(workdir, 'quickstart');
    await cp(path.join(ROOT, 'examples/quickstart'), config, { recursive: true });
    // Free ports instead of 8080/8081/9090: the copied manifests point at the demo upstream's.
    const upstreamPort = await freePort();
    for (const name of await readdir(config)) {
      const file = path.join(config, name);
      await writeFile(
        file,
        (await readFile(file, 'utf8')).replaceAll('http://127.0.0.1:9090', `http://127.0.0.1:${upstreamPort}`),
      );
    }
    const args = [
      'quickstart',
      '--config',
      config,
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
      '--upstream-listen',
      `127.0.0.1:${upstreamPort}`,
    ];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: workdir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      // The banner comes once the first reload is done.
      await eventually(
        async () => output.includes('"msg":"reloaded"') && output.includes('tollgate quickstart: gateway'),
        10_000,
      ).catch(() => {
        throw new Error(`quickstart did not start:\n${output}`);
      });
      const gateway = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1];
      expect(gateway, output).toBeDefined();
      expect(output).toContain(`demo upstream http://127.0.0.1:${upstreamPort}`);
      const demo = { authorization: `Basic ${Buffer.from('demo:s3cret').toString('base64')}` };
      expect(await statusOf(`${gateway}/greetings/hi`)).toBe(401);
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await statusOf(`${gateway}/greetings/hi`, demo));
      expect(statuses).toEqual([200, 200, 200, 200, 429]);
      expect(await statusOf(`${gateway}/orders/42`)).toBe(401);
      expect(await statusOf(`${gateway}/orders/42`, { client_id: 'demo-client', client_secret: 'demo-secret' })).toBe(
        200,
      );
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
