import { durationMs } from '../manifest/formats.js';
import type { AlertManifest, AlertSpec, ManifestSet } from '../manifest/types.js';
import { referencedVariable } from '../secrets/references.js';

/** The reference's response codes, counted when an alert names none. */
export const DEFAULT_ALERT_CODES: readonly number[] = [400, 401, 403, 404, 408, 500, 502, 503];

export interface AlertTarget {
  /** Resolved: never logged, shown or persisted. */
  webhook: string;
  format: 'json' | 'slack';
  secret?: string;
}

/** An alert of one environment, as the control plane evaluates it. */
export interface AlertDefinition {
  name: string;
  type: AlertSpec['type'];
  policy?: string;
  codes: readonly number[];
  severity: AlertSpec['severity'];
  operator: AlertSpec['condition']['operator'];
  threshold: number;
  periods: number;
  periodMs: number;
  scope: AlertSpec['scope'];
  /** The APIs it watches in this environment, each on its own. */
  apis: string[];
  notify: AlertTarget[];
  /** Changes when anything but the targets changes: an alert whose identity stays keeps its state. */
  identity: string;
}

/** The environment's alerts with their secrets resolved from `env`; variables that are not set are named. */
export function alertDefinitions(
  set: ManifestSet,
  environment: string,
  env: NodeJS.ProcessEnv = process.env,
): { alerts: AlertDefinition[]; missing: string[] } {
  const missing = new Set<string>();
  const resolve = (value: string): string => {
    const name = referencedVariable(value);
    if (name === undefined) return value;
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      missing.add(name);
      return '';
    }
    return resolved;
  };
  const deployed = set.apis.filter((a) => a.spec.environments.includes(environment)).map((a) => a.name);
  const alerts = (set.alerts ?? [])
    .filter((alert) => alert.spec.environments.includes(environment))
    .map((alert) =>
      definitionOf(
        alert,
        alert.spec.apis ? alert.spec.apis.filter((name) => deployed.includes(name)) : deployed,
        resolve,
      ),
    );
  return { alerts, missing: [...missing].sort() };
}

function definitionOf(alert: AlertManifest, apis: string[], resolve: (value: string) => string): AlertDefinition {
  const { spec } = alert;
  const definition: Omit<AlertDefinition, 'identity'> = {
    name: alert.name,
    type: spec.type,
    ...(spec.policy === undefined ? {} : { policy: spec.policy }),
    codes: spec.type === 'response-code' ? (spec.codes ?? DEFAULT_ALERT_CODES) : [],
    severity: spec.severity,
    operator: spec.condition.operator,
    threshold: spec.condition.threshold,
    periods: spec.periods,
    periodMs: durationMs(spec.period),
    scope: spec.scope,
    apis: [...apis].sort(),
    notify: spec.notify.map((t) => ({
      webhook: resolve(t.webhook),
      format: t.format,
      ...(t.secret === undefined ? {} : { secret: resolve(t.secret) }),
    })),
  };
  const { notify: _targets, ...condition } = definition;
  return { ...definition, identity: JSON.stringify(condition) };
}
