import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signGithubPayload } from '../../src/reconcile/webhook.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';
import { ordersManifests } from '../helpers/manifests.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually } from '../helpers/wait.js';

/**
 * The git webhook of a real `tollgate reconcile`: the signature header is
 * compared whole, and a replayed delivery (same id, or same body under a
 * new id) is answered as a duplicate and triggers nothing.
 */

const SECRET = 'webhook-secret-for-security-tests';

describe('reconcile webhook', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let repo: TestRepo;
  let rc: LoggedProcess & { url: string };
  const hook = async (body: string, signature: string, delivery?: string) => {
    const res = await request(`${rc.url}/hooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signature,
        ...(delivery ? { 'x-github-delivery': delivery } : {}),
      },
      body,
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
  };
  const webhookRuns = async () =>
    ((await (await request(`${rc.url}/status`)).body.json()) as { history: { trigger: string }[] }).history.filter(
      (h) => h.trigger === 'webhook',
    ).length;

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    repo = await createRepo();
    await repo.write(
      'all.yaml',
      ordersManifests({ environment: 'prod', adminUrl: gw.adminUrl, upstream: upstream.url, limit: 5 }),
    );
    const first = repo.commit('initial');
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-rc-'));
    // Polling once an hour: every reconcile after the first comes from the webhook.
    const proc = spawnCli(
      [
        'reconcile',
        '--env',
        'prod',
        '--git',
        repo.dir,
        '--interval',
        '1h',
        '--drift-interval',
        '0',
        '--listen',
        '127.0.0.1:0',
        '--state-dir',
        stateDir,
      ],
      { GW_TOKEN: ADMIN_TOKEN, TOLLGATE_WEBHOOK_SECRET: SECRET },
    );
    const listening = await proc.waitForLog((l) => l.msg === 'reconciler listening');
    rc = { ...proc, url: String(listening.url) };
    await eventually(
      async () =>
        ((await (await request(`${rc.url}/status`)).body.json()) as { lastAppliedRevision?: string })
          .lastAppliedRevision === first,
    );
  });
  afterAll(async () => {
    await rc.stop();
    await gw.stop();
    await upstream.close();
  });

  it('a signature header with anything after the 64 hex digits is refused', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'sig-test' });
    const good = signGithubPayload(SECRET, body);
    for (const signature of [
      `${good}zz`,
      `${good}0`,
      `${good}00`,
      `${good}=`,
      good.slice(0, -1),
      good.replace('sha256=', 'sha256=0'),
      good.replace('sha256=', 'SHA256='),
    ]) {
      expect((await hook(body, signature)).status, signature).toBe(401);
    }
    expect(await webhookRuns()).toBe(0);
  });

  it('a delivery replayed 50 times triggers one reconcile; the replays are answered as duplicates', async () => {
    const body = JSON.stringify({ ref: 'refs/heads/main', after: 'replayed' });
    const signature = signGithubPayload(SECRET, body);
    const first = await hook(body, signature, 'delivery-1');
    expect(first).toEqual({ status: 202, body: { ok: true, triggered: true } });
    await eventually(async () => (await webhookRuns()) === 1);
    const replays = await Promise.all(
      Array.from({ length: 50 }, (_, i) => hook(body, signature, i % 2 ? 'delivery-1' : `fresh-id-${i}`)),
    );
    for (const replay of replays)
      expect(replay).toEqual({ status: 200, body: { ok: true, duplicate: true, triggered: false } });
    await new Promise((r) => setTimeout(r, 500));
    expect(await webhookRuns()).toBe(1);
  });

  it('a new delivery with a new body triggers again; a body signed once is not a replay of another', async () => {
    await repo.write(
      'all.yaml',
      ordersManifests({ environment: 'prod', adminUrl: gw.adminUrl, upstream: upstream.url, limit: 9 }),
    );
    const sha = repo.commit('nine');
    const body = JSON.stringify({ ref: 'refs/heads/main', after: sha });
    expect((await hook(body, signGithubPayload(SECRET, body), 'delivery-2')).body).toEqual({
      ok: true,
      triggered: true,
    });
    await eventually(async () => (await gw.admin('GET', '/state')).body.source?.revision === sha);
    expect(await webhookRuns()).toBe(2);
  });
});
