import type { AlertingStatus } from '../alerts/alerting.js';
import type { Change } from '../plan/types.js';

export type ConditionType = 'Ready' | 'Reconciling' | 'Stalled';

export interface Condition {
  type: ConditionType;
  status: boolean;
  reason: string;
  message: string;
  since: string;
}

export interface NodeReport {
  name: string;
  result: 'applied' | 'unchanged' | 'failed';
  /** The gateway's own revision counter after this reconcile. */
  gatewayRevision?: number;
  changes?: number;
  error?: string;
}

export interface ReconcileRecord {
  revision: string | undefined;
  digest: string | undefined;
  trigger: string;
  startedAt: string;
  durationMs: number;
  result: 'applied' | 'unchanged' | 'invalid' | 'failed' | 'source-error' | 'standby';
  changes: number;
  nodes: NodeReport[];
  error?: string;
}

export interface NodeDrift {
  detected: boolean;
  checkedAt: string;
  /** What differs from the last applied manifests, in plan form. */
  changes: Change[];
  error?: string;
}

export interface ReconcilerStatus {
  environment: string;
  source: { kind: string; description: string };
  lastAppliedRevision?: string;
  lastAttemptedRevision?: string;
  conditions: Condition[];
  nodes: Record<string, { lastResult?: NodeReport; drift?: NodeDrift }>;
  history: ReconcileRecord[];
  leader?: { self: string; leader?: string; isLeader: boolean };
  /** The environment's alerts and their deliveries. */
  alerting?: AlertingStatus;
}

/**
 * The conditions that make a reconciler unhealthy: Ready missing or false,
 * Stalled true. Reconciling is progress, not a problem.
 */
export function unhealthyConditions(conditions: readonly Condition[]): string[] {
  const ready = conditions.find((c) => c.type === 'Ready');
  const out: string[] = [];
  if (!ready) out.push('Ready is not reported yet');
  else if (!ready.status) out.push(`Ready is false (${ready.reason})`);
  const stalled = conditions.find((c) => c.type === 'Stalled');
  if (stalled?.status) out.push(`Stalled is true (${stalled.reason})`);
  return out;
}
