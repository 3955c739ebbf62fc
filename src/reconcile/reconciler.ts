import type { Logger } from 'pino';
import type { Selector } from '../labels/selector.js';
import type { PlanOptions } from '../plan/plan.js';
import type { Inventory } from '../manifest/discover.js';
import type { ManifestLimits } from '../manifest/limits.js';
import type { ManifestSet } from '../manifest/types.js';
import type { EnvironmentState } from '../model/types.js';
import { Alerting } from '../alerts/alerting.js';
import type { NodeCounts } from '../alerts/counts.js';
import { summarize } from '../plan/plan.js';
import { applyEnvironment, planEnvironment } from './apply-environment.js';
import { DesiredStateBuilder } from './desired-state.js';
import { ReconcileMetrics } from './metrics.js';
import type { ManifestSource } from './sources/types.js';
import type { Condition, ConditionType, NodeReport, ReconcileRecord, ReconcilerStatus } from './status.js';
import type { NodeTarget } from './target.js';
import { backoffDelay } from '../util/retry.js';

export interface ReconcilerOptions {
  /** The environment to reconcile; may be left out when the manifests define exactly one. */
  environment?: string;
  source: ManifestSource;
  /** The nodes to apply to, from the manifests of the revision at hand (remote) or fixed (embedded). */
  targets(manifests: ManifestSet, environment: string): NodeTarget[] | { error: string };
  prune: boolean;
  allowEmpty: boolean;
  selfHeal: boolean;
  /** How often live state is compared with the last applied manifests; 0 turns drift detection off. */
  driftIntervalMs: number;
  retry?: { baseMs: number; maxMs: number };
  logger: Logger;
  /** With several reconcilers, only the leader applies; the others keep status. */
  leadership?: { isLeader(): boolean; view(): NonNullable<ReconcilerStatus['leader']> };
  /** Size limits of the manifests read per revision. */
  limits?: ManifestLimits;
  /**
   * Asked before a revision's manifests are read (an answer refuses the read, with
   * that reason) and told once they are: the gateway's control worker remembers
   * which manifests were being read when it crashed, and does not read them again.
   */
  readGuard?: { before(inventory: Inventory): string | undefined; after(): void };
  /** Reconcile only what this label selector selects; what it applies is owned by it (plan.ts). */
  selector?: Selector;
  /** Take over objects the nodes hold under another owner. */
  adopt?: boolean;
  /** Follow links outside the source folders. */
  followExternalLinks?: boolean;
  /** Where ${env:NAME} secrets are resolved (default process.env, read at every reconcile). */
  variables?: NodeJS.ProcessEnv;
}

const HISTORY = 10;

/**
 * The GitOps loop: every trigger (saved file, poll, webhook, retry, drift)
 * reads the source, validates, and applies a revision it has not applied yet.
 * One reconcile runs at a time; triggers during a run coalesce into one more.
 * Invalid manifests and unreachable nodes never undo what serves.
 */
export class Reconciler {
  readonly metrics = new ReconcileMetrics();
  private readonly status: ReconcilerStatus;
  private running: Promise<void> | undefined;
  private pending: { trigger: string; force: boolean } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private driftTimer: NodeJS.Timeout | undefined;
  private retryAttempt = 0;
  private lastApplied:
    | { revision: string; state: EnvironmentState; targets: NodeTarget[]; ownsEnvironment: boolean }
    | undefined;
  /** Why the nodes are known not to serve lastApplied everywhere (an apply failed part-way); cleared by an apply that succeeds. */
  private unconverged: string | undefined;
  private closed = false;
  private readonly desiredStates: DesiredStateBuilder;
  /** The environment's alerts, evaluated on the nodes of the last revision read. */
  private readonly alerting: Alerting;
  private alertTargets: NodeTarget[] = [];

  constructor(private readonly options: ReconcilerOptions) {
    this.desiredStates = new DesiredStateBuilder(
      options.limits,
      {
        ...(options.selector ? { selector: options.selector } : {}),
        followExternalLinks: options.followExternalLinks ?? false,
      },
      options.variables,
    );
    this.alerting = new Alerting({ logger: options.logger, counts: () => this.readCounts() });
    this.status = {
      environment: options.environment ?? '',
      source: { kind: options.source.kind, description: options.source.description },
      conditions: [],
      nodes: {},
      history: [],
    };
  }

  async start(): Promise<void> {
    // Watch first: a change saved while the first reconcile runs is then not lost.
    await this.options.source.watch((trigger) => void this.trigger(trigger));
    await this.trigger('start');
    if (this.options.driftIntervalMs > 0) this.scheduleDriftCheck();
  }

  /** Requests a reconcile; resolves when the run that covers this request is over. */
  trigger(trigger: string, force = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.pending = { trigger, force: force || (this.pending?.force ?? false) };
      return this.running;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.running = (async () => {
      let next: { trigger: string; force: boolean } | undefined = { trigger, force };
      while (next && !this.closed) {
        this.pending = undefined;
        await this.reconcileOnce(next.trigger, next.force);
        next = this.pending;
      }
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  snapshot(): ReconcilerStatus {
    const status = structuredClone(this.status);
    if (this.options.leadership) status.leader = this.options.leadership.view();
    status.alerting = this.alerting.status();
    return status;
  }

  /** Prometheus text of the loop and of its alerts. */
  metricsText(): string {
    return this.metrics.render(this.status.environment, this.alerting.status());
  }

  /** Stops the timers and the source; an apply in flight finishes first. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.driftTimer) clearTimeout(this.driftTimer);
    this.alerting.close();
    await this.running;
    await this.options.source.close();
  }

  private async reconcileOnce(trigger: string, force: boolean): Promise<void> {
    const { logger } = this.options;
    const started = performance.now();
    const record: ReconcileRecord = {
      revision: undefined,
      digest: undefined,
      trigger,
      startedAt: new Date().toISOString(),
      durationMs: 0,
      result: 'unchanged',
      changes: 0,
      nodes: [],
    };
    this.setCondition('Reconciling', true, 'Progressing', `reconciling (${trigger})`);
    try {
      let snapshot;
      try {
        snapshot = await this.options.source.snapshot();
      } catch (err) {
        record.result = 'source-error';
        record.error = `source unavailable: ${(err as Error).message}`;
        this.conclude(
          { status: false, reason: 'SourceUnavailable', message: record.error },
          { status: true, reason: 'SourceUnavailable', message: record.error },
        );
        this.scheduleRetry();
        return;
      }
      const inventory = await this.desiredStates.inventory(snapshot.paths);
      const refused = this.options.readGuard?.before(inventory);
      if (refused !== undefined) {
        record.result = 'invalid';
        record.error = refused;
        logger.error({ reason: refused }, 'manifests not read; the last good state keeps serving');
        this.setCondition('Ready', false, 'ValidationFailed', refused);
        return;
      }
      const desired = await this.desiredStates.build(snapshot.paths, this.options.environment, inventory);
      this.options.readGuard?.after();
      const revision = snapshot.revision ?? desired.revision ?? 'unknown';
      record.revision = revision;
      record.digest = desired.revision;
      this.status.lastAttemptedRevision = revision;
      if (!desired.ok) {
        record.result = 'invalid';
        const first = desired.diagnostics.slice(0, 5).map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`);
        record.error = `${desired.reason}${first.length ? `: ${first.join('; ')}` : ''}`;
        for (const d of desired.diagnostics)
          logger.error(
            { code: d.code, file: d.file, line: d.line, col: d.col, path: d.path, revision: record.revision },
            d.message,
          );
        logger.error(
          { revision: record.revision, reason: desired.reason },
          'manifests not applied; the last good state keeps serving',
        );
        // Nothing was applied: what serves is still the last good revision, so this alone does not stall the loop.
        this.conclude(
          {
            status: false,
            reason: 'ValidationFailed',
            message: `revision ${short(record.revision)} not applied; ${this.lastApplied ? `revision ${short(this.lastApplied.revision)} keeps serving` : 'nothing applied yet'}: ${record.error}`,
          },
          this.stalledIfUnconverged(
            'AwaitingValidRevision',
            'the source is readable; waiting for a revision that validates',
          ),
        );
        return;
      }
      this.status.environment = desired.environment;
      for (const w of desired.warnings)
        logger.warn({ code: w.code, file: w.file, line: w.line, col: w.col }, w.message);
      const targets = this.options.targets(desired.manifests, desired.environment);
      if ('error' in targets) {
        record.result = 'failed';
        record.error = targets.error;
        this.conclude(
          { status: false, reason: 'NodesUnresolved', message: targets.error },
          { status: true, reason: 'NodesUnresolved', message: targets.error },
        );
        return;
      }
      // Alerts follow every revision read, on its nodes; with several reconcilers only the leader evaluates and notifies.
      this.alertTargets = targets;
      const leading = this.options.leadership?.isLeader() ?? true;
      if (leading) this.alerting.update(desired.manifests, desired.environment);
      else this.alerting.update({ ...desired.manifests, alerts: [] }, desired.environment);
      if (this.options.leadership && !this.options.leadership.isLeader()) {
        record.result = 'standby';
        // The leader applies, and answers for whether the nodes converge.
        this.conclude(
          { status: true, reason: 'Standby', message: 'another reconciler leads and applies; this one keeps status' },
          { status: false, reason: 'Standby', message: '' },
        );
        return;
      }
      // Already applied everywhere: nothing to do. After a failed apply, the nodes may serve
      // something else (a node that took the failed revision), so the revision is applied again.
      if (!force && this.unconverged === undefined && this.lastApplied?.revision === record.revision) {
        this.conclude(
          { status: true, reason: 'Applied', message: `revision ${short(record.revision)} is applied` },
          { status: false, reason: 'Converged', message: '' },
        );
        return;
      }
      const results = await applyEnvironment(desired.state, targets, {
        ...this.planOptions(desired.ownsEnvironment),
        source: { kind: this.options.source.kind, revision },
      });
      record.nodes = results.map((r) => {
        const report: NodeReport = { name: r.node, result: r.result };
        if (r.revision !== undefined) report.gatewayRevision = r.revision;
        if (r.plan) report.changes = r.plan.changes.length;
        if (r.error) report.error = r.error;
        this.status.nodes[r.node] = { ...this.status.nodes[r.node], lastResult: report };
        return report;
      });
      record.changes = Math.max(0, ...results.map((r) => r.plan?.changes.length ?? 0));
      const failed = results.filter((r) => r.result === 'failed');
      const summary = summarize(results.find((r) => r.plan)?.plan?.changes ?? []);
      if (failed.length) {
        record.result = 'failed';
        record.error = failed.map((r) => `${r.node}: ${r.error}`).join('; ');
        this.unconverged = `${failed.length} of ${results.length} node(s) did not converge on revision ${short(revision)}: ${record.error}`;
        this.conclude(
          { status: false, reason: 'ApplyFailed', message: record.error },
          { status: true, reason: 'ApplyFailed', message: `${this.unconverged}; retrying with backoff` },
        );
        this.scheduleRetry();
      } else {
        record.result = results.some((r) => r.result === 'applied') ? 'applied' : 'unchanged';
        this.lastApplied = { revision, state: desired.state, targets, ownsEnvironment: desired.ownsEnvironment };
        this.status.lastAppliedRevision = revision;
        this.retryAttempt = 0;
        this.unconverged = undefined;
        this.metrics.lastAppliedTimestamp = Date.now() / 1000;
        for (const r of results)
          this.status.nodes[r.node] = {
            ...this.status.nodes[r.node],
            drift: { detected: false, checkedAt: new Date().toISOString(), changes: [] },
          };
        this.conclude(
          {
            status: true,
            reason: 'Applied',
            message: `revision ${short(record.revision)} is applied on ${results.length} node(s)`,
          },
          { status: false, reason: 'Converged', message: '' },
        );
      }
      logger.info(
        { revision: record.revision, trigger, result: record.result, plan: summary, nodes: record.nodes },
        'reconciled',
      );
    } catch (err) {
      record.result = 'failed';
      record.error = (err as Error).message;
      this.conclude(
        { status: false, reason: 'InternalError', message: record.error },
        { status: true, reason: 'InternalError', message: `retrying with backoff: ${record.error}` },
      );
      this.scheduleRetry();
      logger.error({ err: record.error }, 'reconcile failed');
    } finally {
      record.durationMs = Math.round(performance.now() - started);
      this.setCondition('Reconciling', false, 'Idle', '');
      this.status.history.unshift(record);
      this.status.history.length = Math.min(this.status.history.length, HISTORY);
      this.metrics.count(record.result, record.durationMs / 1000);
    }
  }

  /** Each node's counts for the alerts; a node that cannot be read sits this period out. */
  private async readCounts(): Promise<Map<string, NodeCounts>> {
    const read = await Promise.all(
      this.alertTargets.map(async (t) => [t.name, await t.client.getCounts().catch(() => undefined)] as const),
    );
    return new Map(read.filter((entry): entry is readonly [string, NodeCounts] => entry[1] !== undefined));
  }

  /** Exponential backoff with jitter; any new trigger runs at once and resets it. */
  private scheduleRetry(): void {
    if (this.closed) return;
    const { baseMs, maxMs } = this.options.retry ?? { baseMs: 1000, maxMs: 60_000 };
    const delay = backoffDelay(++this.retryAttempt, { baseDelayMs: baseMs, maxDelayMs: maxMs, jitter: 0.2 });
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.trigger('retry', true);
    }, delay);
    this.retryTimer.unref();
  }

  private scheduleDriftCheck(): void {
    this.driftTimer = setTimeout(() => {
      void this.checkDrift().finally(() => {
        if (!this.closed) this.scheduleDriftCheck();
      });
    }, this.options.driftIntervalMs);
    this.driftTimer.unref();
  }

  /** Prune, and the ownership rules of this reconciler's selector. */
  private planOptions(ownsEnvironment: boolean): PlanOptions {
    const owner = this.options.selector?.canonical;
    return {
      prune: this.options.prune,
      allowEmpty: this.options.allowEmpty,
      adopt: this.options.adopt ?? false,
      ownsEnvironment,
      ...(owner === undefined ? {} : { owner }),
    };
  }

  /** Compares every node with the last applied manifests; with selfHeal, puts differences back. */
  async checkDrift(): Promise<void> {
    const applied = this.lastApplied;
    if (!applied || this.running || this.closed) return;
    const plans = await planEnvironment(applied.state, applied.targets, this.planOptions(applied.ownsEnvironment));
    let drifted = false;
    for (const plan of plans) {
      const changes = plan.plan?.changes ?? [];
      const drift = {
        detected: changes.length > 0,
        checkedAt: new Date().toISOString(),
        changes,
        ...(plan.error ? { error: plan.error } : {}),
      };
      this.status.nodes[plan.node] = { ...this.status.nodes[plan.node], drift };
      this.metrics.drift.set(plan.node, changes.length);
      if (changes.length) {
        drifted = true;
        this.options.logger.warn(
          { node: plan.node, changes: summarize(changes), revision: applied.revision },
          'drift: the node differs from the last applied manifests',
        );
      }
    }
    if (drifted && this.options.selfHeal && (this.options.leadership?.isLeader() ?? true))
      await this.trigger('self-heal', true);
  }

  /**
   * Every run ends here, setting Ready and Stalled both from what this run
   * found: a condition set by an earlier cause never outlives it.
   */
  private conclude(ready: ConditionValue, stalled: ConditionValue): void {
    this.setCondition('Ready', ready.status, ready.reason, ready.message);
    this.setCondition('Stalled', stalled.status, stalled.reason, stalled.message);
  }

  /** For runs that apply nothing: stalled only while an earlier apply is known not to have converged. */
  private stalledIfUnconverged(reason: string, message: string): ConditionValue {
    return this.unconverged === undefined
      ? { status: false, reason, message }
      : { status: true, reason: 'ApplyFailed', message: this.unconverged };
  }

  private setCondition(type: ConditionType, status: boolean, reason: string, message: string): void {
    const existing = this.status.conditions.find((c) => c.type === type);
    if (existing && existing.status === status && existing.reason === reason) {
      existing.message = message;
      return;
    }
    const condition: Condition = { type, status, reason, message, since: new Date().toISOString() };
    this.status.conditions = [...this.status.conditions.filter((c) => c.type !== type), condition].sort((a, b) =>
      a.type.localeCompare(b.type),
    );
  }
}

interface ConditionValue {
  status: boolean;
  reason: string;
  message: string;
}

function short(revision: string | undefined): string {
  if (!revision) return '?';
  return revision.startsWith('sha256:') ? revision.slice(0, 19) : revision.slice(0, 12);
}
