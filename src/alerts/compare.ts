import { durationMs } from '../manifest/formats.js';
import type { AlertManifest, AlertSpec, ManifestSet } from '../manifest/types.js';
import type { FieldChange } from '../plan/types.js';
import { isSecretReference } from '../secrets/references.js';
import { DEFAULT_ALERT_CODES } from './definitions.js';

/** An alert as a plan shows it: its condition, and its receivers without anything secret. */
export interface AlertView {
  type: AlertSpec['type'];
  policy?: string;
  codes?: number[];
  severity: AlertSpec['severity'];
  condition: string;
  scope: AlertSpec['scope'];
  /** The APIs it names ("*": every API of its environments). */
  apis: string[] | '*';
  notify: string[];
}

export type AlertChange =
  | { kind: 'add-alert'; alert: string; after: AlertView }
  | { kind: 'remove-alert'; alert: string; before: AlertView }
  | { kind: 'update-alert'; alert: string; fields: FieldChange[] };

/** Alerts of one environment at each side, by name. */
export function environmentAlerts(set: ManifestSet, environment: string): Map<string, AlertManifest> {
  return new Map((set.alerts ?? []).filter((a) => a.spec.environments.includes(environment)).map((a) => [a.name, a]));
}

/** What turns the base's alerts of an environment into the head's. */
export function alertChanges(
  base: ReadonlyMap<string, AlertManifest>,
  head: ReadonlyMap<string, AlertManifest>,
): AlertChange[] {
  const out: AlertChange[] = [];
  for (const [name, after] of head) {
    const before = base.get(name);
    if (!before) {
      out.push({ kind: 'add-alert', alert: name, after: alertView(after.spec) });
      continue;
    }
    const fields = viewDifferences(alertView(before.spec), alertView(after.spec));
    if (fields.length) out.push({ kind: 'update-alert', alert: name, fields });
  }
  for (const [name, before] of base)
    if (!head.has(name)) out.push({ kind: 'remove-alert', alert: name, before: alertView(before.spec) });
  return out.sort((a, b) => a.alert.localeCompare(b.alert));
}

export function alertView(spec: AlertSpec): AlertView {
  return {
    type: spec.type,
    ...(spec.policy === undefined ? {} : { policy: spec.policy }),
    ...(spec.type === 'response-code' ? { codes: [...(spec.codes ?? DEFAULT_ALERT_CODES)] } : {}),
    severity: spec.severity,
    condition: `${spec.condition.operator} ${spec.condition.threshold} for ${spec.periods} × ${spec.period}`,
    scope: spec.scope,
    apis: spec.apis ? [...spec.apis].sort() : '*',
    notify: spec.notify.map(
      (t) => `${t.format}: ${receiverLabel(t.webhook)}${t.secret === undefined ? '' : ' (signed)'}`,
    ),
  };
}

/** A reference is shown as written; a URL by its origin only (a webhook's path often carries its token). */
function receiverLabel(webhook: string): string {
  if (isSecretReference(webhook)) return webhook;
  try {
    return new URL(webhook).origin;
  } catch {
    return '(invalid URL)';
  }
}

function viewDifferences(before: AlertView, after: AlertView): FieldChange[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])] as (keyof AlertView)[];
  return keys
    .filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => ({ path: k, before: before[k], after: after[k] }));
}

/** One way an alert became less sensitive, with the field of the head alert it is about. */
export interface Weakening {
  field: (string | number)[];
  reason: string;
}

const SEVERITY_RANK: Record<AlertSpec['severity'], number> = { info: 0, warning: 1, critical: 2 };

/**
 * How the head alert fires less often or later than the base alert, or
 * reaches fewer receivers: a threshold moved away from what it watches for,
 * more or longer periods, fewer codes, APIs or policies watched, per-node
 * counts instead of the environment's, a lower severity.
 */
export function weakenings(before: AlertSpec, after: AlertSpec): Weakening[] {
  const out: Weakening[] = [];
  const counts = after.type !== 'response-time';
  const operator = after.condition.operator;
  if (before.condition.operator !== operator) {
    out.push({
      field: ['spec', 'condition', 'operator'],
      reason: `the condition is now "${operator}" instead of "${before.condition.operator}"`,
    });
  } else if (operator !== 'equal') {
    // Counts are compared per second: 100 per 1m and 500 per 5m watch for the same rate.
    const rate = (s: AlertSpec) => (counts ? s.condition.threshold / durationMs(s.period) : s.condition.threshold);
    const looser = operator === 'greater' ? rate(after) > rate(before) : rate(after) < rate(before);
    if (looser)
      out.push({
        field: ['spec', 'condition', 'threshold'],
        reason: `the threshold moved from ${describeThreshold(before)} to ${describeThreshold(after)}`,
      });
  }
  const delay = (s: AlertSpec) => s.periods * durationMs(s.period);
  if (delay(after) > delay(before))
    out.push({
      field: ['spec', after.periods !== before.periods ? 'periods' : 'period'],
      reason: `it fires after ${after.periods} × ${after.period} instead of ${before.periods} × ${before.period}`,
    });
  if (before.type === 'response-code' && after.type === 'response-code') {
    const kept = new Set(after.codes ?? DEFAULT_ALERT_CODES);
    const dropped = (before.codes ?? DEFAULT_ALERT_CODES).filter((c) => !kept.has(c));
    if (dropped.length) out.push({ field: ['spec', 'codes'], reason: `it no longer counts ${dropped.join(', ')}` });
  }
  if (before.type === 'policy-violation' && before.policy !== after.policy && after.policy !== undefined) {
    out.push({
      field: ['spec', 'policy'],
      reason:
        before.policy === undefined
          ? `it counts only policy "${after.policy}" instead of every policy`
          : `it counts policy "${after.policy}" instead of "${before.policy}"`,
    });
  }
  if (after.apis !== undefined) {
    const unwatched = before.apis?.filter((a) => !after.apis!.includes(a)) ?? [];
    if (before.apis === undefined)
      out.push({ field: ['spec', 'apis'], reason: `it watches only ${after.apis.join(', ')} instead of every API` });
    else if (unwatched.length)
      out.push({ field: ['spec', 'apis'], reason: `it no longer watches ${unwatched.join(', ')}` });
  }
  if (counts && operator === 'greater' && before.scope === 'environment' && after.scope === 'node') {
    out.push({ field: ['spec', 'scope'], reason: 'it compares each node’s counts instead of the whole environment’s' });
  }
  if (SEVERITY_RANK[after.severity] < SEVERITY_RANK[before.severity])
    out.push({
      field: ['spec', 'severity'],
      reason: `its severity dropped from ${before.severity} to ${after.severity}`,
    });
  const receivers = new Set(after.notify.map((t) => t.webhook));
  const lost = before.notify.filter((t) => !receivers.has(t.webhook)).map((t) => receiverLabel(t.webhook));
  if (lost.length) out.push({ field: ['spec', 'notify'], reason: `it no longer notifies ${lost.join(', ')}` });
  return out;
}

function describeThreshold(spec: AlertSpec): string {
  return spec.type === 'response-time'
    ? `${spec.condition.threshold} ms`
    : `${spec.condition.threshold} per ${spec.period}`;
}
