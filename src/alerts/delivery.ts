import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { request } from 'undici';
import { retry } from '../util/retry.js';
import type { AlertTarget } from './definitions.js';
import type { AlertEvent } from './evaluator.js';

export interface DeliveryStats {
  delivered: number;
  retried: number;
  failed: number;
  /** Per receiver (its URL without credentials or query): the last failure, if any. */
  receivers: Record<
    string,
    { delivered: number; failed: number; pending: number; lastError?: string; lastErrorAt?: string }
  >;
}

export interface DeliveryOptions {
  logger: Logger;
  environment: string;
  /** Attempts per notification, with exponential backoff from `baseDelayMs` up to `maxDelayMs`. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  timeoutMs?: number;
}

/**
 * Delivers alert notifications to webhooks: the generic JSON payload (signed
 * with HMAC-SHA256 when the receiver has a secret) or a Slack incoming-webhook
 * message. A receiver that fails is retried with backoff; failures are counted
 * and shown, and never wait on anything but this delivery.
 */
export class AlertDeliveries {
  readonly stats: DeliveryStats = { delivered: 0, retried: 0, failed: 0, receivers: {} };
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: DeliveryOptions) {}

  send(event: AlertEvent): void {
    for (const target of event.alert.notify) {
      if (!target.webhook) continue;
      const body =
        target.format === 'slack'
          ? slackPayload(event, this.options.environment)
          : JSON.stringify(jsonPayload(event, this.options.environment));
      this.receiver(target).pending++;
      void this.deliver(target, body, randomUUID());
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** One notification to one receiver, retried with backoff until it is delivered or the attempts are spent. */
  private async deliver(target: AlertTarget, body: string, delivery: string): Promise<void> {
    if (this.closed) return;
    const receiver = this.receiver(target);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'tollgate-alerts',
      'x-tollgate-delivery': delivery,
    };
    if (target.format === 'json' && target.secret)
      headers['x-tollgate-signature-256'] = `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`;
    const attempts = this.options.attempts ?? 8;
    const backoff = {
      attempts,
      baseDelayMs: this.options.baseDelayMs ?? 1_000,
      maxDelayMs: this.options.maxDelayMs ?? 60_000,
      jitter: 0.2,
    };
    const result = await retry(
      { ...backoff, sleep: (ms) => this.sleep(ms), onRetry: () => this.stats.retried++ },
      async () => {
        let error: string;
        try {
          const timeout = this.options.timeoutMs ?? 10_000;
          const res = await request(target.webhook, {
            method: 'POST',
            headers,
            body,
            headersTimeout: timeout,
            bodyTimeout: timeout,
          });
          await res.body.dump();
          if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, value: undefined };
          error = `HTTP ${res.statusCode}`;
        } catch (err) {
          error = (err as Error).message;
        }
        receiver.lastError = error;
        receiver.lastErrorAt = new Date().toISOString();
        return { ok: false, error };
      },
    );
    receiver.pending--;
    if (result.ok) {
      receiver.delivered++;
      this.stats.delivered++;
      return;
    }
    receiver.failed++;
    this.stats.failed++;
    this.options.logger.warn(
      { receiver: describe(target.webhook), attempts, error: result.error },
      'an alert notification could not be delivered; it is dropped',
    );
  }

  /** A wait that close() cancels: the retries of a closed delivery never resume. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) return;
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.timers.add(timer);
    });
  }

  private receiver(target: AlertTarget) {
    const name = describe(target.webhook);
    return (this.stats.receivers[name] ??= { delivered: 0, failed: 0, pending: 0 });
  }
}

/** A receiver as status and logs show it: origin and path, never credentials or a query string (Slack's URL is a secret). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.hostname === 'hooks.slack.com' ? `${parsed.origin}/services/…` : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}

/** The generic payload: everything a receiver needs to route and show the alert. */
export function jsonPayload(event: AlertEvent, environment: string) {
  const { alert } = event;
  return {
    alert: alert.name,
    state: event.state,
    severity: alert.severity,
    type: alert.type,
    environment,
    api: event.api,
    node: event.node ?? null,
    scope: alert.scope,
    ...(alert.policy === undefined ? {} : { policy: alert.policy }),
    ...(alert.type === 'response-code' ? { codes: alert.codes } : {}),
    condition: {
      operator: alert.operator,
      threshold: alert.threshold,
      periods: alert.periods,
      periodMs: alert.periodMs,
    },
    value: event.value,
    at: new Date(event.at).toISOString(),
  };
}

const WHAT: Record<AlertEvent['alert']['type'], string> = {
  'policy-violation': 'policy violations',
  'request-count': 'requests',
  'response-code': 'responses',
  'response-time': 'average response time (ms)',
};

export function slackPayload(event: AlertEvent, environment: string): string {
  const { alert } = event;
  const icon =
    event.state === 'resolved'
      ? ':white_check_mark:'
      : alert.severity === 'critical'
        ? ':rotating_light:'
        : alert.severity === 'warning'
          ? ':warning:'
          : ':information_source:';
  const where = `${environment} / ${event.api}${event.node ? ` on ${event.node}` : ''}`;
  const scope = alert.policy
    ? ` of policy ${alert.policy}`
    : alert.type === 'response-code'
      ? ` with status ${alert.codes.join(', ')}`
      : '';
  const text = `${icon} *${alert.name}* ${event.state === 'firing' ? 'is firing' : 'resolved'} (${alert.severity}) — ${where}: ${WHAT[alert.type]}${scope} ${event.value ?? 'none'} per ${alert.periodMs / 1000}s, ${alert.operator} ${alert.threshold} for ${alert.periods} period(s)`;
  return JSON.stringify({ text });
}
