import { createHmac } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually, statusOf } from '../helpers/wait.js';
import { startWebhookReceiver as receiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const SECRET = 'alert-hmac-secret-value';

describe('API alerts, delivered to webhooks', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let signed: WebhookReceiver;
  let slack: WebhookReceiver;
  let flaky: WebhookReceiver;
  beforeAll(async () => {
    [upstream, signed, slack, flaky] = await Promise.all([startUpstream(), receiver(), receiver(), receiver(2)]);
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-alerts-'));
    await writeFile(
      path.join(dir, 'manifests.yaml'),
      `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: dev }
spec: {}
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${upstream.url}
  environments: [dev]
  policies:
    - name: quota
      type: rate-limiting
      config: { rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 3600000 }] }
---
apiVersion: tollgate.dev/v1
kind: Alert
metadata: { name: orders-throttled }
spec:
  environments: [dev]
  apis: [orders]
  type: policy-violation
  policy: quota
  severity: critical
  condition: { operator: greater, threshold: 3 }
  periods: 1
  period: 1s
  notify:
    - { webhook: "${signed.url}", secret: "\${env:ALERT_SECRET}" }
    - { webhook: "\${env:SLACK_URL}", format: slack }
    - { webhook: "${flaky.url}" }
`,
    );
    gw = await startGatewayProcess({
      args: ['--config', dir, '--watch'],
      env: { ALERT_SECRET: SECRET, SLACK_URL: slack.url },
    });
    await gw.waitForLog((l) => l.msg === 'reloaded');
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
    await Promise.all([signed, slack, flaky].map((r) => r?.close()));
  });

  it('a burst of 429s fires the policy-violation alert once; the burst ending resolves it; a receiver that is down gets the retry', async () => {
    // Reference: "An alert fires when its condition starts holding and again when it clears (state changes only)."
    const burst = setInterval(() => void statusOf(`${gw.url}/orders/x`).catch(() => undefined), 20);
    try {
      await eventually(async () => signed.received.length >= 1, 15_000);
    } finally {
      clearInterval(burst);
    }
    await eventually(async () => signed.received.length >= 2, 15_000);
    // Only state changes are delivered: once firing, once resolved, however many periods the burst lasted.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(signed.received).toHaveLength(2);
    const [firing, resolved] = signed.received.map((r) => ({
      ...r,
      payload: JSON.parse(r.body) as Record<string, unknown>,
    }));
    expect(firing!.payload).toMatchObject({
      alert: 'orders-throttled',
      state: 'firing',
      severity: 'critical',
      type: 'policy-violation',
      environment: 'dev',
      api: 'orders',
      policy: 'quota',
      scope: 'node',
      condition: { operator: 'greater', threshold: 3, periods: 1, periodMs: 1000 },
    });
    expect(Number(firing!.payload.value)).toBeGreaterThan(3);
    // Resolved by the first period that no longer meets the condition (the burst's tail may still count a few).
    expect(resolved!.payload).toMatchObject({ alert: 'orders-throttled', state: 'resolved' });
    expect(Number(resolved!.payload.value)).toBeLessThanOrEqual(3);
    for (const { headers, body } of [firing!, resolved!]) {
      expect(headers['x-tollgate-signature-256']).toBe(
        `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
      );
      expect(headers['content-type']).toBe('application/json');
    }
    expect(firing!.headers['x-tollgate-delivery']).not.toBe(resolved!.headers['x-tollgate-delivery']);
    // Slack: its incoming-webhook message, unsigned (its URL is the secret).
    await eventually(async () => slack.received.length >= 2);
    expect(JSON.parse(slack.received[0]!.body).text).toMatch(
      /^:rotating_light: \*orders-throttled\* is firing \(critical\) — dev \/ orders on .+: policy violations of policy quota \d+ per 1s, greater 3 for 1 period\(s\)$/,
    );
    expect(JSON.parse(slack.received[1]!.body).text).toMatch(/^:white_check_mark: \*orders-throttled\* resolved/);
    expect(slack.received[0]!.headers['x-tollgate-signature-256']).toBeUndefined();
    // The receiver that answered 503 twice got both notifications through the retries.
    await eventually(async () => flaky.received.length >= 2, 20_000);
    expect(flaky.attempts()).toBeGreaterThanOrEqual(4);
    const status = (await gw.admin('GET', '/status')).body;
    expect(status.reconciler.alerting.alerts).toEqual([
      expect.objectContaining({ alert: 'orders-throttled', api: 'orders', state: 'ok' }),
    ]);
    expect(status.reconciler.alerting.deliveries).toMatchObject({ delivered: 6, failed: 0 });
    expect(status.reconciler.alerting.deliveries.retried).toBeGreaterThanOrEqual(2);
    // Status names receivers without secrets: the Slack URL stays out.
    expect(JSON.stringify(status)).not.toContain(SECRET);
  }, 60_000);
});
