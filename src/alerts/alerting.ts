import type { Logger } from 'pino';
import type { ManifestSet } from '../manifest/types.js';
import { alertDefinitions } from './definitions.js';
import { AlertDeliveries, type DeliveryStats } from './delivery.js';
import { AlertEvaluator, type AlertStatus, type CountsSource } from './evaluator.js';

export interface AlertingStatus {
  alerts: AlertStatus[];
  deliveries: DeliveryStats;
  /** Variables the alerts' webhooks or secrets reference that are not set: those receivers get nothing. */
  unresolved: string[];
}

/**
 * The alerts of the environment a reconciler serves: defined anew from every
 * revision it reads, evaluated on its nodes' counts, delivered to their
 * receivers. It runs on the control side; nothing of it touches a request.
 */
export class Alerting {
  private environment = '';
  private unresolved: string[] = [];
  private deliveries: AlertDeliveries;
  private readonly evaluator: AlertEvaluator;

  constructor(private readonly options: { logger: Logger; counts: CountsSource }) {
    this.deliveries = new AlertDeliveries({ logger: options.logger, environment: '' });
    this.evaluator = new AlertEvaluator({
      counts: options.counts,
      onEvent: (event) => {
        options.logger.info(
          {
            alert: event.alert.name,
            api: event.api,
            node: event.node,
            state: event.state,
            value: event.value,
            severity: event.alert.severity,
          },
          event.state === 'firing' ? 'alert firing' : 'alert resolved',
        );
        this.deliveries.send(event);
      },
    });
  }

  /** The alerts of `environment` in this revision's manifests. */
  update(set: ManifestSet, environment: string): void {
    if (environment !== this.environment) {
      const stats = this.deliveries.stats;
      this.deliveries = new AlertDeliveries({ logger: this.options.logger, environment });
      Object.assign(this.deliveries.stats, stats);
      this.environment = environment;
    }
    const { alerts, missing } = alertDefinitions(set, environment);
    if (missing.length && missing.join() !== this.unresolved.join())
      this.options.logger.warn(
        { variables: missing },
        'alert receivers reference unset environment variables: they get no notification',
      );
    this.unresolved = missing;
    this.evaluator.define(alerts);
  }

  status(): AlertingStatus {
    return { alerts: this.evaluator.status(), deliveries: this.deliveries.stats, unresolved: this.unresolved };
  }

  close(): void {
    this.evaluator.close();
    this.deliveries.close();
  }
}
