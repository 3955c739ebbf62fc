import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signGithubPayload } from '../../src/reconcile/webhook.js';
import type { ReconcilerStatus } from '../../src/reconcile/status.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { createRepo } from '../helpers/git-repo.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { ordersManifests } from '../helpers/manifests.js';
import { eventually, statusOf } from '../helpers/wait.js';

const SECRET = 'webhook-secret-for-tests';

function manifests(adminUrl: string, upstream: string, limit: number | string): string {
  return ordersManifests({ environment: 'prod', adminUrl, upstream, limit });
}

interface Reconcile extends LoggedProcess {
  url: string;
  status(): Promise<ReconcilerStatus>;
}

async function startReconcile(args: string[]): Promise<Reconcile> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-rc-'));
  const proc = spawnCli(['reconcile', '--env', 'prod', '--listen', '127.0.0.1:0', '--state-dir', stateDir, ...args], {
    GW_TOKEN: ADMIN_TOKEN,
    TOLLGATE_WEBHOOK_SECRET: SECRET,
  });
  const listening = await proc.waitForLog((l) => l.msg === 'reconciler listening');
  const url = String(listening.url);
  return { ...proc, url, status: async () => (await (await request(`${url}/status`)).body.json()) as ReconcilerStatus };
}

describe('tollgate reconcile', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  const started: LoggedProcess[] = [];
  const track = <T extends LoggedProcess>(p: T) => (started.push(p), p);

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
    await gw?.stop();
  });
  afterAll(async () => upstream.close());

  it('folder: a saved file is enforced; an invalid save is reported and the old policy keeps serving; the fix is applied', async () => {
    gw = await startGatewayProcess();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-src-'));
    const file = path.join(dir, 'all.yaml');
    await writeFile(file, manifests(gw.adminUrl, upstream.url, 1));
    const rc = track(await startReconcile(['--source', dir]));
    await eventually(async () => (await rc.status()).lastAppliedRevision);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(200);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(429);

    await writeFile(file, manifests(gw.adminUrl, upstream.url, 'plenty'));
    const invalid = await eventually(async () => {
      const s = await rc.status();
      return s.conditions.find((c) => c.type === 'Ready' && c.reason === 'ValidationFailed') && s;
    });
    expect(invalid.history[0]).toMatchObject({ result: 'invalid' });
    expect(invalid.history[0]?.error).toContain(`${file}:18:49 TG_SCHEMA`);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(429);

    await writeFile(file, manifests(gw.adminUrl, upstream.url, 10));
    await eventually(async () => (await statusOf(`${gw.url}/orders/a`)) === 200);
    // The gateway serves the fix as soon as its transaction is committed; the reconciler records the outcome right after.
    const s = await eventually(async () => {
      const status = await rc.status();
      return status.conditions.find((c) => c.type === 'Ready' && c.status === true) ? status : undefined;
    });
    expect(s.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: true, reason: 'Applied' });
    expect(s.history.map((h) => h.result)).toEqual(expect.arrayContaining(['applied', 'invalid']));
  });

  it('git: a commit is applied at its SHA by polling, and by a signed webhook; a wrongly signed webhook is refused', async () => {
    gw = await startGatewayProcess();
    const repo = await createRepo();
    await repo.write('gateway/all.yaml', manifests(gw.adminUrl, upstream.url, 5));
    const first = repo.commit('initial');
    const poller = track(
      await startReconcile(['--git', repo.dir, '--branch', 'main', '--path', 'gateway', '--interval', '300ms']),
    );
    await eventually(async () => (await poller.status()).lastAppliedRevision === first);
    expect((await gw.admin('GET', '/state')).body.source).toEqual({ kind: 'git', revision: first });

    await repo.write('gateway/all.yaml', manifests(gw.adminUrl, upstream.url, 6));
    const second = repo.commit('raise the limit');
    await eventually(async () => (await gw.admin('GET', '/state')).body.source?.revision === second);
    await poller.stop();

    const hooked = track(
      await startReconcile(['--git', repo.dir, '--branch', 'main', '--path', 'gateway', '--interval', '1h']),
    );
    await eventually(async () => (await hooked.status()).lastAppliedRevision === second);
    await repo.write('gateway/all.yaml', manifests(gw.adminUrl, upstream.url, 7));
    const third = repo.commit('raise it again');
    const payload = JSON.stringify({ ref: 'refs/heads/main', after: third });
    const forged = await request(`${hooked.url}/hooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signGithubPayload('not-the-secret', payload),
      },
      body: payload,
    });
    expect(forged.statusCode).toBe(401);
    await forged.body.dump();
    await new Promise((r) => setTimeout(r, 300));
    expect((await hooked.status()).lastAppliedRevision).toBe(second);
    const signed = await request(`${hooked.url}/hooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signGithubPayload(SECRET, payload),
      },
      body: payload,
    });
    expect(signed.statusCode).toBe(202);
    await signed.body.dump();
    await eventually(async () => (await hooked.status()).lastAppliedRevision === third, 5000);
    expect((await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.rateLimits[0].maximumRequests).toBe(7);
  });

  it('drift: an out-of-band change is reported, and healed with --self-heal', async () => {
    gw = await startGatewayProcess();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-src-'));
    await writeFile(path.join(dir, 'all.yaml'), manifests(gw.adminUrl, upstream.url, 3));
    const tamper = async () => {
      const live = (await gw.admin('GET', '/state')).body;
      live.state.apis[0].chain[0].config.rateLimits[0].maximumRequests = 999;
      expect(
        (await gw.admin('POST', '/transactions', { expectedRevision: live.revision, state: live.state })).status,
      ).toBe(200);
    };
    const watcher = track(await startReconcile(['--source', dir, '--drift-interval', '200ms']));
    await eventually(async () => (await watcher.status()).lastAppliedRevision);
    await tamper();
    const drifted = await eventually(async () => {
      const s = await watcher.status();
      return s.nodes.gw?.drift?.detected && s;
    });
    expect(drifted.nodes.gw?.drift?.changes[0]).toMatchObject({
      kind: 'update-policy',
      api: 'orders',
      policy: 'limit',
    });
    expect(await request(`${watcher.url}/metrics`).then((r) => r.body.text())).toMatch(
      /tollgate_drift_changes\{environment="prod",node="gw"\} 1/,
    );
    expect((await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.rateLimits[0].maximumRequests).toBe(
      999,
    );
    await watcher.stop();

    const healer = track(await startReconcile(['--source', dir, '--drift-interval', '200ms', '--self-heal']));
    await eventually(
      async () =>
        (await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.rateLimits[0].maximumRequests === 3,
    );
    await tamper();
    await eventually(
      async () =>
        (await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.rateLimits[0].maximumRequests === 3,
      5000,
    );
    expect((await healer.status()).history.some((h) => h.trigger === 'self-heal' && h.result === 'applied')).toBe(true);
  });

  it('a gateway down during a commit stalls the loop; when it is back, the loop converges', async () => {
    gw = await startGatewayProcess();
    const adminPort = new URL(gw.adminUrl).port;
    const stateDir = gw.stateDir;
    const repo = await createRepo();
    await repo.write('all.yaml', manifests(gw.adminUrl, upstream.url, 5));
    repo.commit('initial');
    const rc = track(await startReconcile(['--git', repo.dir, '--interval', '200ms']));
    await eventually(async () => (await rc.status()).lastAppliedRevision);
    await gw.stop();
    await repo.write('all.yaml', manifests(gw.adminUrl, upstream.url, 8));
    const sha = repo.commit('while the gateway is down');
    const stalled = await eventually(async () => {
      const s = await rc.status();
      return s.conditions.find((c) => c.type === 'Stalled' && c.status) && s;
    }, 15_000);
    expect(stalled.lastAttemptedRevision).toBe(sha);
    expect(stalled.conditions.find((c) => c.type === 'Stalled')?.reason).toBe('ApplyFailed');
    gw = await startGatewayProcess({ stateDir, args: ['--admin-listen', `127.0.0.1:${adminPort}`] });
    await eventually(async () => (await rc.status()).lastAppliedRevision === sha, 20_000);
    expect((await rc.status()).conditions.find((c) => c.type === 'Stalled')?.status).toBe(false);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    gw = await startGatewayProcess();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-src-'));
    await writeFile(path.join(dir, 'all.yaml'), manifests(gw.adminUrl, upstream.url, 3));
    const rc = await startReconcile(['--source', dir]);
    await eventually(async () => (await rc.status()).lastAppliedRevision);
    expect(await rc.stop('SIGTERM')).toBe(0);
  });
});
