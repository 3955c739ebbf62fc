import type { AlertingStatus } from '../alerts/alerting.js';
import { Histogram } from '../gateway/metrics/histogram.js';

const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Prometheus metrics of the reconcile loop. */
export class ReconcileMetrics {
  readonly results = new Map<string, number>();
  readonly duration = new Histogram(DURATION_BUCKETS);
  failures = 0;
  readonly drift = new Map<string, number>();
  lastAppliedTimestamp = 0;

  count(result: string, seconds: number): void {
    this.results.set(result, (this.results.get(result) ?? 0) + 1);
    this.duration.observe(seconds);
    if (result === 'failed' || result === 'invalid' || result === 'source-error') this.failures++;
  }

  render(environment: string, alerting?: AlertingStatus): string {
    const env = `environment="${environment}"`;
    const out = [
      '# HELP tollgate_reconcile_total Reconciliations by result.',
      '# TYPE tollgate_reconcile_total counter',
    ];
    for (const [result, n] of this.results) out.push(`tollgate_reconcile_total{${env},result="${result}"} ${n}`);
    out.push(
      '# HELP tollgate_reconcile_duration_seconds Duration of reconciliations.',
      '# TYPE tollgate_reconcile_duration_seconds histogram',
    );
    out.push(...this.duration.render('tollgate_reconcile_duration_seconds', env));
    out.push(
      '# HELP tollgate_reconcile_failures_total Reconciliations that did not converge (invalid manifests, unreachable source or node).',
      '# TYPE tollgate_reconcile_failures_total counter',
      `tollgate_reconcile_failures_total{${env}} ${this.failures}`,
    );
    out.push(
      '# HELP tollgate_drift_changes Differences between a node and the last applied manifests.',
      '# TYPE tollgate_drift_changes gauge',
    );
    for (const [node, n] of this.drift) out.push(`tollgate_drift_changes{${env},node="${node}"} ${n}`);
    out.push(
      '# HELP tollgate_last_applied_timestamp_seconds When the last revision was applied.',
      '# TYPE tollgate_last_applied_timestamp_seconds gauge',
      `tollgate_last_applied_timestamp_seconds{${env}} ${this.lastAppliedTimestamp}`,
    );
    if (alerting) {
      out.push(
        '# HELP tollgate_alert_firing 1 while an alert fires for an API (and node).',
        '# TYPE tollgate_alert_firing gauge',
      );
      for (const a of alerting.alerts)
        out.push(
          `tollgate_alert_firing{${env},alert="${a.alert}",api="${a.api}"${a.node ? `,node="${a.node}"` : ''}} ${a.state === 'firing' ? 1 : 0}`,
        );
      out.push(
        '# HELP tollgate_alert_deliveries_total Alert notifications by result (retried counts attempts after the first).',
        '# TYPE tollgate_alert_deliveries_total counter',
      );
      for (const result of ['delivered', 'retried', 'failed'] as const)
        out.push(`tollgate_alert_deliveries_total{${env},result="${result}"} ${alerting.deliveries[result]}`);
    }
    return out.join('\n') + '\n';
  }
}
