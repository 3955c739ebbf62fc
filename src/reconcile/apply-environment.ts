import type { EnvironmentState } from '../model/types.js';
import type { StateSource } from '../gateway/state/persistence.js';
import { computePlan, transactionChanges, type PlanOptions } from '../plan/plan.js';
import type { Plan } from '../plan/types.js';
import { AdminClient, type GatewayNode, type LiveView, type RetryPolicy } from './admin-client.js';
import type { NodeTarget } from './target.js';
import { mapBounded } from '../util/bounded.js';
import { readLiveForPlan } from './read-live.js';

export interface NodePlan {
  node: string;
  live?: LiveView;
  plan?: Plan;
  error?: string;
}

export interface NodeApplyResult {
  node: string;
  result: 'applied' | 'unchanged' | 'failed';
  revision?: number;
  plan?: Plan;
  changedApis?: string[];
  error?: string;
  durationMs: number;
}

export interface ApplyEnvironmentOptions extends PlanOptions {
  source?: StateSource;
  /** How many nodes are worked on at once. */
  concurrency?: number;
  /** Re-read and re-plan after a 409 at most this often. */
  maxConflicts?: number;
  onProgress?: (result: NodeApplyResult) => void;
}

/** Remote nodes as targets: each reached through its admin API. */
export function nodeTargets(nodes: readonly GatewayNode[], retry?: RetryPolicy): NodeTarget[] {
  return nodes.map((node) => ({ name: node.name, client: new AdminClient(node, retry) }));
}

/** Reads every node's live state and plans against it. */
export function planEnvironment(
  desired: EnvironmentState,
  targets: readonly NodeTarget[],
  options: PlanOptions & { concurrency?: number },
): Promise<NodePlan[]> {
  return mapBounded(targets, options.concurrency ?? 8, async (node) => {
    try {
      const live = await readLiveForPlan(node.client, desired);
      return {
        node: node.name,
        live,
        plan: computePlan(desired, live.state, { ...options, secretCheckKey: node.client.secretCheckKey }).plan,
      };
    } catch (err) {
      return { node: node.name, error: (err as Error).message };
    }
  });
}

/**
 * Plans and applies on every node, in parallel (bounded): one transaction per
 * node naming the revision it planned against. A node that is down does not
 * stop the others; a 409 (someone changed the node meanwhile) re-reads and re-plans.
 */
export function applyEnvironment(
  desired: EnvironmentState,
  targets: readonly NodeTarget[],
  options: ApplyEnvironmentOptions,
): Promise<NodeApplyResult[]> {
  return mapBounded(targets, options.concurrency ?? 8, async (node) => {
    const started = performance.now();
    const result = await applyNode(desired, node, options);
    const done = { ...result, durationMs: Math.round(performance.now() - started) };
    options.onProgress?.(done);
    return done;
  });
}

async function applyNode(
  desired: EnvironmentState,
  node: NodeTarget,
  options: ApplyEnvironmentOptions,
): Promise<Omit<NodeApplyResult, 'durationMs'>> {
  const client = node.client;
  const maxConflicts = options.maxConflicts ?? 3;
  for (let conflicts = 0; ; conflicts++) {
    let live: LiveView;
    try {
      live = await readLiveForPlan(client, desired);
    } catch (err) {
      return { node: node.name, result: 'failed', error: (err as Error).message };
    }
    const { plan, target } = computePlan(desired, live.state, { ...options, secretCheckKey: client.secretCheckKey });
    if (plan.errors.length)
      return { node: node.name, result: 'failed', plan, revision: live.revision, error: plan.errors.join('; ') };
    // A restarted node holding its persisted state is told that it is still what the manifests want.
    if (plan.changes.length === 0 && !live.holding)
      return { node: node.name, result: 'unchanged', plan, revision: live.revision };
    const tx = live.state
      ? { expectedRevision: live.revision, changes: transactionChanges(plan.changes, target) }
      : { expectedRevision: live.revision, state: target };
    let outcome;
    try {
      outcome = await client.transaction(options.source ? { ...tx, source: options.source } : tx);
    } catch (err) {
      return { node: node.name, result: 'failed', plan, error: (err as Error).message };
    }
    if (outcome.ok)
      return {
        node: node.name,
        result: outcome.unchanged ? 'unchanged' : 'applied',
        plan,
        revision: outcome.revision,
        changedApis: outcome.changedApis,
      };
    if (outcome.status === 409 && conflicts < maxConflicts) continue;
    const problems = outcome.problems
      ?.slice(0, 5)
      .map((p) => `${p.path}: ${p.message}`)
      .join('; ');
    return {
      node: node.name,
      result: 'failed',
      plan,
      error: `${outcome.error}: ${outcome.message}${problems ? ` (${problems})` : ''}`,
    };
  }
}
