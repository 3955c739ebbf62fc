import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReconcilerStatus } from '../../src/reconcile/status.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { runCli } from '../helpers/cli.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually, statusOf } from '../helpers/wait.js';

/**
 * Two teams share one gateway: each runs its own reconciler with --prune and
 * its own selector, from its own folder. Neither ever deletes, nor changes,
 * the other's APIs; a name clash is refused, not taken over.
 */

const environment = (adminUrl: string) => `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: shared }
spec:
  nodes: [{ name: gw, adminUrl: "${adminUrl}", token: "\${env:GW_TOKEN}" }]
`;

const apiDoc = (name: string, team: string, upstream: string) => `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: ${name}
  labels: { team: ${team} }
spec:
  version: v1
  basePath: /${name}
  upstream: ${upstream}
  environments: [shared]
  policies: []
`;

interface Reconciler extends LoggedProcess {
  status(): Promise<ReconcilerStatus>;
}

async function startReconciler(dir: string, selector: string): Promise<Reconciler> {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-team-rc-'));
  const proc = spawnCli(
    [
      'reconcile',
      '--env',
      'shared',
      '--source',
      dir,
      '--selector',
      selector,
      '--prune',
      '--drift-interval',
      '200ms',
      '--listen',
      '127.0.0.1:0',
      '--state-dir',
      stateDir,
    ],
    { GW_TOKEN: ADMIN_TOKEN },
  );
  const listening = await proc.waitForLog((l) => l.msg === 'reconciler listening');
  return {
    ...proc,
    status: async () => (await (await request(`${String(listening.url)}/status`)).body.json()) as ReconcilerStatus,
  };
}

describe('two teams, two reconcilers with their own selectors, one gateway', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let teamA: Reconciler;
  let teamB: Reconciler;
  let dirA: string;
  let dirB: string;
  const liveApis = async () =>
    ((await gw.admin('GET', '/state')).body.state?.apis ?? [])
      .map((a: { name: string; owner?: string }) => `${a.name}:${a.owner ?? '-'}`)
      .sort();

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    dirA = await mkdtemp(path.join(tmpdir(), 'tollgate-team-a-'));
    dirB = await mkdtemp(path.join(tmpdir(), 'tollgate-team-b-'));
    await writeFile(path.join(dirA, 'environment.yaml'), environment(gw.adminUrl));
    await writeFile(path.join(dirB, 'environment.yaml'), environment(gw.adminUrl));
    await writeFile(path.join(dirA, 'orders.yaml'), apiDoc('orders', 'a', upstream.url));
    await writeFile(path.join(dirA, 'invoices.yaml'), apiDoc('invoices', 'a', upstream.url));
    await writeFile(path.join(dirB, 'catalog.yaml'), apiDoc('catalog', 'b', upstream.url));
    teamA = await startReconciler(dirA, 'team=a');
    teamB = await startReconciler(dirB, 'team=b');
  });
  afterAll(async () => {
    await Promise.all([teamA?.stop(), teamB?.stop()]);
    await gw?.stop();
    await upstream?.close();
  });

  it('both teams apply with --prune, and each one’s APIs survive the other’s reconciles and drift checks', async () => {
    await eventually(
      async () => (await liveApis()).join() === 'catalog:team=b,invoices:team=a,orders:team=a' || undefined,
      15_000,
    );
    // Several drift checks (every 200 ms) and reconciles later, nothing was deleted or reported as drift.
    await new Promise((r) => setTimeout(r, 1000));
    expect(await liveApis()).toEqual(['catalog:team=b', 'invoices:team=a', 'orders:team=a']);
    for (const rc of [teamA, teamB]) {
      const status = await rc.status();
      expect(status.nodes.gw?.drift?.detected, JSON.stringify(status.nodes.gw)).toBe(false);
      expect(status.conditions.find((c) => c.type === 'Ready')).toMatchObject({ status: true });
    }
    for (const name of ['orders', 'invoices', 'catalog']) expect(await statusOf(`${gw.url}/${name}/x`)).toBe(200);
  });

  it('a team that removes one of its APIs prunes that one only', async () => {
    await rm(path.join(dirA, 'invoices.yaml'));
    await eventually(async () => (await liveApis()).join() === 'catalog:team=b,orders:team=a' || undefined, 15_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(await liveApis()).toEqual(['catalog:team=b', 'orders:team=a']);
  });

  it("a team whose manifests name the other team's API is refused; the other team's API stays as it was", async () => {
    await writeFile(path.join(dirA, 'catalog.yaml'), apiDoc('catalog', 'a', 'http://127.0.0.1:9/'));
    const failed = await eventually(async () => {
      const s = await teamA.status();
      const last = s.history[0];
      return last?.result === 'failed' && String(last.error ?? s.nodes.gw?.lastResult?.error ?? '').length > 0
        ? s
        : undefined;
    }, 15_000);
    expect(JSON.stringify(failed)).toContain('Api \\"catalog\\" is owned by selector \\"team=b\\" on the gateway');
    expect(await liveApis()).toEqual(['catalog:team=b', 'orders:team=a']);
    expect(await statusOf(`${gw.url}/catalog/x`)).toBe(200);
    await rm(path.join(dirA, 'catalog.yaml'));
  });

  it('dump --selector writes only what that selector owns or matches, and it plans zero changes applied back with the selector', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'tollgate-team-dump-'));
    const env = { GW_TOKEN: ADMIN_TOKEN };
    const dumped = await runCli(['dump', '--env', 'shared', '--selector', 'team=b', '--out', out, dirB], { env });
    expect(dumped.code, dumped.stderr).toBe(0);
    const plan = await runCli(['plan', '--env', 'shared', '--selector', 'team=b', '--prune', '--output', 'json', out], {
      env,
    });
    expect(plan.code, plan.stdout + plan.stderr).toBe(0);
    const files = (await runCli(['validate', '--output', 'json', out])).stdout;
    expect(files).toContain('"valid": true');
    const all = await runCli(['dump', '--env', 'shared', dirB], { env });
    expect(all.stdout).toContain('name: orders');
    const onlyB = await runCli(['dump', '--env', 'shared', '--selector', 'team=b', dirB], { env });
    expect(onlyB.stdout).toContain('name: catalog');
    expect(onlyB.stdout).not.toContain('name: orders');
    expect(onlyB.stdout).toContain('team: b');
  });
});
