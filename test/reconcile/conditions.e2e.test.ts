import { mkdtemp, rename } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { runCli } from '../helpers/cli.js';
import type { ReconcilerStatus } from '../../src/reconcile/status.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { createRepo } from '../helpers/git-repo.js';
import { ordersManifests } from '../helpers/manifests.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually } from '../helpers/wait.js';

/**
 * Conditions clear when their cause does, and `tollgate status` exits 1
 * whenever one is bad: a real `tollgate reconcile` follows a real git
 * repository whose remote disappears and comes back.
 */

interface Reconcile extends LoggedProcess {
  url: string;
  status(): Promise<ReconcilerStatus>;
}

async function startReconcile(args: string[]): Promise<Reconcile> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-rc-'));
  const proc = spawnCli(
    [
      'reconcile',
      '--env',
      'prod',
      '--listen',
      '127.0.0.1:0',
      '--state-dir',
      stateDir,
      '--drift-interval',
      '0',
      ...args,
    ],
    { GW_TOKEN: ADMIN_TOKEN, WRONG_TOKEN: 'not-the-admin-token' },
  );
  const listening = await proc.waitForLog((l) => l.msg === 'reconciler listening');
  const url = String(listening.url);
  return { ...proc, url, status: async () => (await (await request(`${url}/status`)).body.json()) as ReconcilerStatus };
}

const condition = (status: ReconcilerStatus, type: string) => status.conditions.find((c) => c.type === type);

/** Two nodes, the second reached with the token in `gw2Token`: the orders API limited to `limit` requests a minute. */
function twoNodes(adminUrls: [string, string], upstream: string, limit: number, gw2Token: string): string {
  return `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: prod }
spec:
  nodes:
    - { name: gw1, adminUrl: "${adminUrls[0]}", token: "\${env:GW_TOKEN}" }
    - { name: gw2, adminUrl: "${adminUrls[1]}", token: "\${env:${gw2Token}}" }
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${upstream}
  environments: [prod]
  policies:
    - name: limit
      type: rate-limiting
      config: { rateLimits: [{ maximumRequests: ${limit}, timePeriodInMilliseconds: 60000 }] }
`;
}

describe('reconcile conditions and tollgate status', () => {
  let upstream: TestUpstream;
  const started: { stop(): Promise<unknown> }[] = [];
  const track = <T extends { stop(): Promise<unknown> }>(p: T) => (started.push(p), p);

  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop()));
  });
  afterAll(async () => upstream.close());

  it('the git remote disappears: Stalled SourceUnavailable and status exits 1; it comes back: Stalled clears and status exits 0', async () => {
    const gw = track(await startGatewayProcess());
    const repo = await createRepo();
    await repo.write(
      'all.yaml',
      ordersManifests({ environment: 'prod', adminUrl: gw.adminUrl, upstream: upstream.url, limit: 5 }),
    );
    const sha = repo.commit('initial');
    const rc = track(await startReconcile(['--git', repo.dir, '--interval', '200ms']));
    await eventually(async () => (await rc.status()).lastAppliedRevision === sha);

    const healthy = await runCli(['status', '--url', rc.url]);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/✓ Ready\s+Applied/);

    const gone = `${repo.dir}.gone`;
    await rename(repo.dir, gone);
    const stalled = await eventually(async () => {
      const s = await rc.status();
      return condition(s, 'Stalled')?.status === true && s;
    }, 15_000);
    expect(condition(stalled, 'Stalled')).toMatchObject({ status: true, reason: 'SourceUnavailable' });
    expect(condition(stalled, 'Ready')).toMatchObject({ status: false, reason: 'SourceUnavailable' });
    const unhealthy = await runCli(['status', '--url', rc.url]);
    expect(unhealthy.code).toBe(1);
    expect(unhealthy.stdout).toMatch(/✗ Stalled\s+SourceUnavailable/);
    expect((await runCli(['status', '--url', rc.url, '--output', 'json'])).code).toBe(1);

    await rename(gone, repo.dir);
    const back = await eventually(async () => {
      const s = await rc.status();
      return condition(s, 'Ready')?.status === true && s.history[0]?.trigger === 'poll' && s;
    }, 15_000);
    expect(condition(back, 'Ready')).toMatchObject({ status: true, reason: 'Applied' });
    expect(condition(back, 'Stalled')).toMatchObject({ status: false, reason: 'Converged' });
    const recovered = await runCli(['status', '--url', rc.url]);
    expect(recovered.code).toBe(0);
    expect(recovered.stdout).toMatch(/✓ Stalled\s+Converged/);
    expect((await runCli(['status', '--url', rc.url, '--output', 'json'])).code).toBe(0);
    // The last line says why the exit code is what it is.
    expect(healthy.stdout).toContain('healthy: Ready, not stalled');
    expect(unhealthy.stdout).toContain(
      'unhealthy: Ready is false (SourceUnavailable); Stalled is true (SourceUnavailable)',
    );
  }, 60_000);

  it('status exits 1 for an address that is not a reconciler', async () => {
    const gw = track(await startGatewayProcess());
    const run = await runCli(['status', '--url', gw.url]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/without a reconciler status/);
  });

  it('reverting to the last applied revision after an apply that failed on one node applies it again', async () => {
    // gw2 stays up (its port is never freed for another test to take); a wrong token makes it refuse.
    const gw1 = track(await startGatewayProcess());
    const gw2 = track(await startGatewayProcess());
    const adminUrls: [string, string] = [gw1.adminUrl, gw2.adminUrl];
    const repo = await createRepo();
    await repo.write('all.yaml', twoNodes(adminUrls, upstream.url, 5, 'GW_TOKEN'));
    const first = repo.commit('five');
    const rc = track(await startReconcile(['--git', repo.dir, '--interval', '200ms']));
    await eventually(async () => (await rc.status()).lastAppliedRevision === first);
    const limitOn = async (gw: GatewayProcess) =>
      (await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.rateLimits[0].maximumRequests as number;
    expect(await limitOn(gw1)).toBe(5);

    await repo.write('all.yaml', twoNodes(adminUrls, upstream.url, 50, 'WRONG_TOKEN'));
    const second = repo.commit('fifty, and gw2 refuses');
    const failed = await eventually(async () => {
      const s = await rc.status();
      return s.lastAttemptedRevision === second && s.history[0]?.result === 'failed' && s;
    }, 20_000);
    expect(condition(failed, 'Stalled')).toMatchObject({ status: true, reason: 'ApplyFailed' });
    expect(await limitOn(gw1)).toBe(50);

    // Back to the revision applied last: gw1 serves 50, so it must be applied again, not reported as applied.
    repo.git('reset', '-q', '--hard', first);
    const readyAgain = await eventually(
      async () => {
        const s = await rc.status();
        return s.lastAttemptedRevision === first && condition(s, 'Ready')?.status && s;
      },
      20_000,
      10,
    );
    expect(await limitOn(gw1)).toBe(5);
    expect(condition(readyAgain, 'Stalled')).toMatchObject({ status: false, reason: 'Converged' });
    expect(await limitOn(gw2)).toBe(5);
    expect((await runCli(['status', '--url', rc.url])).code).toBe(0);
  }, 90_000);
});
