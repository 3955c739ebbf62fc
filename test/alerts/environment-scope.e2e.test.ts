import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { freePort } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually, statusOf } from '../helpers/wait.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

interface Payload {
  alert: string;
  state: string;
  node: string | null;
  scope: string;
  value: number;
}

/**
 * `tollgate reconcile` with two gateway nodes: an environment-scoped alert
 * sums both nodes' counts and fires where neither node alone would; the same
 * condition per node stays quiet. A receiver that is down shows in status and
 * metrics while its notification is retried.
 */
describe('alerts evaluated by the reconciler over its nodes', () => {
  let upstream: TestUpstream;
  let a: GatewayProcess;
  let b: GatewayProcess;
  let reconciler: LoggedProcess;
  let receiver: WebhookReceiver;
  let statusUrl: string;
  let dir: string;
  let deadUrl: string;

  const alert = (name: string, scope: string, notify: string) => `---
apiVersion: tollgate.dev/v1
kind: Alert
metadata: { name: ${name} }
spec:
  environments: [prod]
  type: request-count
  scope: ${scope}
  condition: { operator: greater, threshold: 6 }
  periods: 1
  period: 2s
  notify: [${notify}]
`;

  beforeAll(async () => {
    [upstream, receiver] = await Promise.all([startUpstream(), startWebhookReceiver()]);
    [a, b] = await Promise.all([startGatewayProcess(), startGatewayProcess()]);
    deadUrl = `http://127.0.0.1:${await freePort()}/down`;
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-alert-scope-'));
    await writeFile(
      path.join(dir, 'prod.yaml'),
      `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: prod }
spec:
  nodes:
    - { name: node-a, adminUrl: "${a.adminUrl}", token: "\${env:GW_TOKEN}" }
    - { name: node-b, adminUrl: "${b.adminUrl}", token: "\${env:GW_TOKEN}" }
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${upstream.url}
  environments: [prod]
` +
        alert('busy-environment', 'environment', `{ webhook: "${receiver.url}" }, { webhook: "${deadUrl}" }`) +
        alert('busy-node', 'node', `{ webhook: "${receiver.url}" }`),
    );
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-alert-scope-state-'));
    reconciler = spawnCli(
      [
        'reconcile',
        '--env',
        'prod',
        '--source',
        dir,
        '--drift-interval',
        '0',
        '--listen',
        '127.0.0.1:0',
        '--state-dir',
        stateDir,
      ],
      { GW_TOKEN: ADMIN_TOKEN },
    );
    statusUrl = String((await reconciler.waitForLog((l) => l.msg === 'reconciler listening')).url);
    // Waits on the admin API: requests sent while waiting would count against the alerts.
    const routed = async (gw: GatewayProcess) =>
      ((await gw.admin('GET', '/state')).body.state?.apis ?? []).length === 1;
    await eventually(async () => (await routed(a)) && (await routed(b)), 20_000);
  });
  afterAll(async () => {
    await reconciler?.stop();
    await Promise.all([a?.stop(), b?.stop(), upstream?.close(), receiver?.close()]);
  });

  it('plan lists the alerts the reconciler evaluates', async () => {
    const run = await runCli(['plan', '--env', 'prod', '--output', 'json', dir], { env: { GW_TOKEN: ADMIN_TOKEN } });
    const plan = JSON.parse(run.stdout) as {
      alerts: { name: string; scope: string; condition: string; notify: string[] }[];
    };
    expect(plan.alerts).toEqual([
      expect.objectContaining({
        name: 'busy-environment',
        scope: 'environment',
        condition: 'greater 6 for 1 × 2s',
        notify: [`json: ${new URL(receiver.url).origin}`, `json: ${new URL(deadUrl).origin}`],
      }),
      expect.objectContaining({ name: 'busy-node', scope: 'node' }),
    ]);
    const text = await runCli(['plan', '--env', 'prod', dir], { env: { GW_TOKEN: ADMIN_TOKEN } });
    expect(text.stdout).toContain(
      'Alerts the reconciler evaluates for prod:\n  alert busy-environment (request-count greater 6 for 1 × 2s, warning, environment counts, every API',
    );
  });

  it('the environment alert fires on the sum of both nodes, the node alert does not; both quiet again when traffic stops', async () => {
    // About four requests per node per 2 s period: at most six on either node, about eight together.
    const traffic = setInterval(() => {
      void statusOf(`${a.url}/orders/x`).catch(() => undefined);
      void statusOf(`${b.url}/orders/x`).catch(() => undefined);
    }, 500);
    expect(receiver.received).toEqual([]);
    let firing: Payload | undefined;
    try {
      await eventually(
        async () =>
          (firing = receiver.received.map((r) => JSON.parse(r.body) as Payload).find((p) => p.state === 'firing')) !==
          undefined,
        20_000,
      );
    } finally {
      clearInterval(traffic);
    }
    expect(firing).toMatchObject({ alert: 'busy-environment', scope: 'environment', node: null });
    expect(firing!.value).toBeGreaterThan(6);
    await eventually(
      async () => receiver.received.some((r) => (JSON.parse(r.body) as Payload).state === 'resolved'),
      15_000,
    );
    const payloads = receiver.received.map((r) => JSON.parse(r.body) as Payload);
    expect(payloads.map((p) => `${p.alert} ${p.state}`)).toEqual([
      'busy-environment firing',
      'busy-environment resolved',
    ]);

    // The receiver that is down: retried, its error in status and metrics.
    const status = await eventually(async () => {
      const s = (await (await request(`${statusUrl}/status`)).body.json()) as {
        alerting: {
          deliveries: { retried: number; receivers: Record<string, { pending: number; lastError?: string }> };
        };
      };
      return s.alerting.deliveries.receivers[deadUrl]?.lastError ? s : undefined;
    });
    expect(status.alerting.deliveries.retried).toBeGreaterThanOrEqual(1);
    expect(status.alerting.deliveries.receivers[deadUrl]).toMatchObject({
      pending: expect.any(Number),
      lastError: expect.stringMatching(/ECONNREFUSED|connect/),
    });
    const metrics = await (await request(`${statusUrl}/metrics`)).body.text();
    expect(metrics).toMatch(/tollgate_alert_deliveries_total\{environment="prod",result="retried"\} [1-9]/);
    expect(metrics).toContain('tollgate_alert_firing{environment="prod",alert="busy-environment",api="orders"} 0');
    expect(metrics).toContain(
      'tollgate_alert_firing{environment="prod",alert="busy-node",api="orders",node="node-a"} 0',
    );
  }, 60_000);
});
