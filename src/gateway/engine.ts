import type { Logger } from 'pino';
import type { GatekeeperMode } from '../manifest/types.js';
import type { ApiState, EnvironmentState } from '../model/types.js';
import type { CompiledApi } from './chain/compiled.js';
import { PolicyCompileError, compileApi, compileKey, type CompileServices } from './chain/compile.js';
import { RuntimeStateStore } from './chain/runtime-state.js';
import { CounterStores, type Counters } from './counters/selection.js';
import type { CounterStore } from './counters/types.js';
import { RouteTable } from './data-plane/route-table.js';
import type { Serving } from './data-plane/handle-request.js';
import { MetricsRegistry } from './metrics/registry.js';
import { UpstreamPools } from './proxy/pools.js';
import { applyChanges, type StateChange } from './state/apply-changes.js';
import { checkState, type StateProblem } from './state/check-state.js';
import { loadPersistedState, persistState, type StateSource } from './state/persistence.js';
import { applicationsByApi, cachedFingerprint, stateFingerprints, type StateFingerprints } from './state/fingerprint.js';
import { publicState, sealSecrets } from './state/seal-secrets.js';

export interface Transaction {
  expectedRevision: number;
  state?: unknown;
  changes?: StateChange[];
  source?: StateSource;
}

export type ApplyOutcome =
  | { ok: true; revision: number; digest: string; changedApis: string[]; unchanged: boolean; durationMs: number }
  | { ok: false; status: 409 | 422; code: 'TG_STALE_REVISION' | 'TG_INVALID_STATE' | 'TG_COMPILE'; message: string; problems?: StateProblem[]; revision: number };

export interface EngineOptions {
  logger: Logger;
  /** Local counters: the embedded default, and where fail-open policies count while shared storage is unreachable. */
  counters: CounterStore;
  /** Where the last applied state is persisted; none → nothing is persisted. */
  stateDir?: string;
  /** Overrides the gatekeeper mode of the persisted state at start-up. */
  gatekeeper?: GatekeeperMode;
  baseDir?: string;
}

export interface ReloadRecord {
  at: string;
  revision: number;
  result: 'applied' | 'unchanged' | 'refused';
  durationMs: number;
  changedApis?: string[];
  error?: string;
}

/**
 * The gateway's state machine: validates a transaction, compiles what changed
 * off the request path, swaps the route table in one assignment (in-flight
 * requests keep the table they started with), then persists atomically.
 */
export class GatewayEngine {
  revision = 0;
  digest = '';
  source: StateSource | undefined;
  state: EnvironmentState | undefined;
  serving: Serving = { table: new RouteTable(new Map()), notReady: 'no policies applied yet' };
  readonly metrics = new MetricsRegistry();
  readonly history: ReloadRecord[] = [];
  private fingerprints: StateFingerprints | undefined;
  private readonly fingerprintCache = new WeakMap<object, string>();
  private readonly persistedJson = new WeakMap<object, string>();
  private publicJsonCache: { revision: number; json: string } | undefined;
  private fingerprintJsonCache: { revision: number; json: string } | undefined;
  private persisting: Promise<void> | undefined;
  private persistPending = false;
  /** The last revision written to the state dir. */
  persistedRevision = 0;
  private readonly runtimeState = new RuntimeStateStore();
  private readonly pools = new UpstreamPools();
  private queue: Promise<unknown> = Promise.resolve();
  /** Counters of the served state: local, or shared (Redis) when the environment names sharedStorage. */
  readonly counterStores: CounterStores;

  constructor(private readonly options: EngineOptions) {
    this.counterStores = new CounterStores({ local: options.counters, logger: options.logger });
  }

  private get services(): CompileServices {
    return { logger: this.options.logger, counters: this.counterStores.selection, runtimeState: this.runtimeState, metrics: this.metrics, pools: this.pools, baseDir: this.options.baseDir ?? process.cwd() };
  }

  /** Loads the persisted state as the gatekeeper mode allows. */
  async start(): Promise<void> {
    const persisted = this.options.stateDir ? await loadPersistedState(this.options.stateDir) : undefined;
    const mode = this.options.gatekeeper ?? persisted?.state.environment.gatekeeper ?? 'flexible';
    if (!persisted) {
      this.serving = { table: new RouteTable(new Map()), notReady: mode === 'disabled' ? undefined : 'no policies applied yet' };
      return;
    }
    this.revision = persisted.revision;
    this.persistedRevision = persisted.revision;
    if (mode === 'strict') {
      // The control plane must deliver the policies again: report no state, so a plan re-applies everything.
      this.serving = { table: new RouteTable(new Map()), notReady: 'gatekeeper strict: waiting for the control plane to apply policies' };
      this.options.logger.info({ revision: this.revision }, 'gatekeeper strict: persisted state not served until policies are applied');
      return;
    }
    const apis = new Map<string, CompiledApi>();
    const services = { ...this.services, counters: await this.sharedCountersFor(persisted.state) };
    const fingerprints = stateFingerprints(persisted.state, this.fingerprintCache);
    const keyOf = this.keyFunction(persisted.state, fingerprints);
    const byApi = applicationsByApi(persisted.state.applications);
    for (const api of persisted.state.apis) {
      const key = keyOf(api);
      try {
        const { compiled, claimed } = await compileApi(api, byApi.get(api.name) ?? [], key, services);
        this.runtimeState.retain(api.name, claimed);
        apis.set(api.name, compiled);
      } catch (err) {
        // A policy that fails to apply keeps its API at 503 until it is fixed or removed.
        this.options.logger.error({ api: api.name, err: (err as Error).message }, 'persisted policy failed to compile; the API answers 503');
        apis.set(api.name, { ...blockedApi(api, key, this.services), blocked: (err as Error).message });
      }
    }
    this.state = persisted.state;
    this.fingerprints = fingerprints;
    this.digest = fingerprints.digest;
    this.source = persisted.source;
    this.serving = { table: new RouteTable(apis), notReady: undefined };
    this.options.logger.info({ revision: this.revision, apis: apis.size, gatekeeper: mode }, 'serving the persisted state');
  }

  /** Applies transactions one at a time, in arrival order. */
  apply(tx: Transaction): Promise<ApplyOutcome> {
    const run = this.queue.then(() => this.applyNow(tx));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The served state as GET /state shows it; `apis` narrows it to some APIs. */
  publicView(apis?: readonly string[]): { revision: number; digest: string; source: StateSource | undefined; state: EnvironmentState | undefined } {
    const served = this.serving.notReady === undefined ? this.state : undefined;
    let state = served && publicState(served);
    if (state && apis) {
      const wanted = new Set(apis);
      state = { ...state, apis: state.apis.filter((a) => wanted.has(a.name)) };
    }
    return { revision: this.revision, digest: served ? this.digest : '', source: served ? this.source : undefined, state };
  }

  /** GET /state of a large state is read often and changes only on apply: serialize it once per revision. */
  publicJson(): string {
    if (this.publicJsonCache?.revision !== this.revision) this.publicJsonCache = { revision: this.revision, json: JSON.stringify(this.publicView()) };
    return this.publicJsonCache.json;
  }

  /** Per-API fingerprints: lets a planner fetch only the APIs that differ. */
  fingerprintView(): { revision: number; digest: string; fingerprints: StateFingerprints | undefined } {
    const served = this.serving.notReady === undefined;
    return { revision: this.revision, digest: served ? this.digest : '', fingerprints: served ? this.fingerprints : undefined };
  }

  /** GET /state/digests is every plan's and drift check's first read: serialized once per revision too. */
  fingerprintJson(): string {
    if (this.fingerprintJsonCache?.revision !== this.revision) this.fingerprintJsonCache = { revision: this.revision, json: JSON.stringify(this.fingerprintView()) };
    return this.fingerprintJsonCache.json;
  }

  private keyFunction(state: EnvironmentState, fingerprints: StateFingerprints): (api: ApiState) => string {
    const byApi = applicationsByApi(state.applications);
    return (api) => compileKey(fingerprints.apis[api.name] ?? '', fingerprints.environment, (byApi.get(api.name) ?? []).map((app) => cachedFingerprint(app, this.fingerprintCache)));
  }

  private async applyNow(tx: Transaction): Promise<ApplyOutcome> {
    const started = performance.now();
    const refuse = (status: 409 | 422, code: 'TG_STALE_REVISION' | 'TG_INVALID_STATE' | 'TG_COMPILE', message: string, problems?: StateProblem[]): ApplyOutcome => {
      if (code !== 'TG_STALE_REVISION') this.metrics.reloads.failed++;
      this.record({ at: new Date().toISOString(), revision: this.revision, result: 'refused', durationMs: performance.now() - started, error: message });
      this.options.logger.warn({ code, message, problems: problems?.slice(0, 20) }, 'transaction refused; the previous state keeps serving');
      return problems ? { ok: false, status, code, message, problems, revision: this.revision } : { ok: false, status, code, message, revision: this.revision };
    };
    if (tx.expectedRevision !== this.revision) {
      return refuse(409, 'TG_STALE_REVISION', `expected revision ${tx.expectedRevision}, but the gateway serves revision ${this.revision}; re-read the state and plan again`);
    }
    const current = this.serving.notReady === undefined ? this.state : undefined;
    // The engine takes ownership of the objects it is given (validation fills defaults in place).
    let candidate: unknown = tx.state;
    let known: Set<object> | undefined;
    if (candidate === undefined) {
      if (!tx.changes) return refuse(422, 'TG_INVALID_STATE', 'a transaction needs either "state" or "changes"');
      const base = current ?? emptyStateFor(tx.changes);
      if (!base) return refuse(422, 'TG_INVALID_STATE', 'the gateway has no state yet: the first transaction must send the full state or a set-environment change');
      candidate = applyChanges(base, tx.changes);
      // APIs and applications the changes did not touch are the very objects already validated, sealed and compiled.
      if (current) known = new Set<object>([...current.apis, ...current.applications]);
    }
    const checked = checkState(candidate, known);
    if (!checked.state) return refuse(422, 'TG_INVALID_STATE', 'the state is invalid', checked.problems);
    const sealed = sealSecrets(checked.state, known);
    if (sealed.unresolved.length) {
      return refuse(422, 'TG_INVALID_STATE', 'secret references must be resolved before they are sent', sealed.unresolved.map((p) => ({ path: p, message: 'unresolved ${env:...} reference' })));
    }
    const state = sealed.state;
    const fingerprints = stateFingerprints(state, this.fingerprintCache);
    const digest = fingerprints.digest;
    if (current && digest === this.digest) {
      this.record({ at: new Date().toISOString(), revision: this.revision, result: 'unchanged', durationMs: performance.now() - started });
      return { ok: true, revision: this.revision, digest, changedApis: [], unchanged: true, durationMs: performance.now() - started };
    }

    const counters = await this.counterStores.prepare(state.environment);
    if ('problem' in counters) return refuse(422, 'TG_INVALID_STATE', counters.problem, [{ path: '/environment/sharedStorage', message: counters.problem }]);
    const services = { ...this.services, counters };
    const previous = this.serving.table.apis;
    const next = new Map<string, CompiledApi>();
    const fresh: { compiled: CompiledApi; claimed: Set<string> }[] = [];
    const keyOf = this.keyFunction(state, fingerprints);
    const byApi = applicationsByApi(state.applications);
    // Untouched API objects under unchanged environment settings and applications keep their compiled form as is.
    const sameSurroundings = this.fingerprints !== undefined && this.fingerprints.environment === fingerprints.environment && this.fingerprints.applications === fingerprints.applications;
    try {
      for (const api of state.apis) {
        const existing = previous.get(api.name);
        if (sameSurroundings && existing && known?.has(api) && existing.state === api && existing.blocked === undefined) {
          next.set(api.name, existing);
          continue;
        }
        const key = keyOf(api);
        if (existing && existing.key === key && existing.blocked === undefined) {
          next.set(api.name, existing);
          continue;
        }
        const result = await compileApi(api, byApi.get(api.name) ?? [], key, services);
        fresh.push(result);
        next.set(api.name, result.compiled);
      }
    } catch (err) {
      for (const { compiled } of fresh) for (const p of compiled.policies) p.handlers.dispose?.();
      this.counterStores.discard(counters);
      const message = err instanceof PolicyCompileError ? err.message : `compilation failed: ${(err as Error).message}`;
      return refuse(422, 'TG_COMPILE', message);
    }

    // The swap: one assignment. Requests already running keep the table they read.
    this.serving = { table: new RouteTable(next), notReady: undefined };
    this.counterStores.commit(counters);
    this.state = state;
    this.fingerprints = fingerprints;
    this.digest = digest;
    this.source = tx.source ?? { kind: 'admin', revision: digest };
    this.revision++;

    const changedApis = [...fresh.map((f) => f.compiled.name), ...[...previous.keys()].filter((name) => !next.has(name))].sort();
    this.retire(previous, next, fresh);
    const durationMs = performance.now() - started;
    this.metrics.reloads.ok++;
    this.metrics.lastReloadSeconds = durationMs / 1000;
    this.record({ at: new Date().toISOString(), revision: this.revision, result: 'applied', durationMs, changedApis });
    this.options.logger.info({ revision: this.revision, changedApis: changedApis.slice(0, 50), changed: changedApis.length, durationMs: Math.round(durationMs * 10) / 10 }, 'reloaded');
    this.schedulePersist();
    return { ok: true, revision: this.revision, digest, changedApis, unchanged: false, durationMs };
  }

  /** Releases what replaced or removed APIs held; work proportional to what changed, not to the state's size. */
  private retire(previous: ReadonlyMap<string, CompiledApi>, next: ReadonlyMap<string, CompiledApi>, fresh: readonly { compiled: CompiledApi; claimed: Set<string> }[]): void {
    const removed = [...previous.keys()].filter((name) => !next.has(name));
    for (const { compiled, claimed } of fresh) {
      const old = previous.get(compiled.name);
      for (const p of old?.policies ?? []) p.handlers.dispose?.();
      this.runtimeState.retain(compiled.name, claimed);
      const kept = new Set(compiled.state.chain.map((p) => p.name));
      for (const p of old?.state.chain ?? []) if (!kept.has(p.name)) this.metrics.forgetPolicy(compiled.name, p.name);
    }
    for (const name of removed) {
      for (const p of previous.get(name)?.policies ?? []) p.handlers.dispose?.();
      this.runtimeState.retain(name, new Set());
      this.metrics.forgetApi(name, previous.get(name)?.state.chain.map((p) => p.name) ?? []);
    }
    const upstreamsMoved = removed.length > 0 || fresh.some(({ compiled }) => previous.get(compiled.name)?.upstream.origin !== compiled.upstream.origin);
    if (upstreamsMoved) void this.pools.retain(new Set([...next.values()].map((a) => a.upstream.origin)));
  }

  /**
   * Persists the served state off the transaction's path: writes are coalesced
   * (the latest state wins) and flushed on close. A crash between swap and write
   * restarts on the previous revision, which the next plan sees and re-applies.
   */
  private schedulePersist(): void {
    if (!this.options.stateDir || !this.state) return;
    this.persistPending = true;
    this.persisting ??= (async () => {
      while (this.persistPending) {
        this.persistPending = false;
        const snapshot = { revision: this.revision, digest: this.digest, source: this.source, state: this.state as EnvironmentState, savedAt: new Date().toISOString() };
        try {
          await persistState(this.options.stateDir as string, snapshot, this.persistedJson);
          this.persistedRevision = snapshot.revision;
        } catch (err) {
          this.options.logger.error({ err: (err as Error).message, revision: snapshot.revision }, 'could not persist the applied state; it serves, but a restart would not find it');
        }
      }
      this.persisting = undefined;
    })();
  }

  private record(entry: ReloadRecord): void {
    this.history.unshift(entry);
    this.history.length = Math.min(this.history.length, 10);
  }

  async close(): Promise<void> {
    await this.queue;
    await this.persisting;
    for (const api of this.serving.table.apis.values()) for (const p of api.policies) p.handlers.dispose?.();
    await this.pools.close();
    await this.counterStores.close();
  }

  /** The persisted state's counters, made current: it serves them from now on. A URL that cannot be used counts locally. */
  private async sharedCountersFor(state: EnvironmentState): Promise<Counters> {
    const counters = await this.counterStores.prepare(state.environment);
    if ('problem' in counters) {
      this.options.logger.error({ problem: counters.problem }, 'persisted sharedStorage cannot be used: limits are counted locally');
      return this.counterStores.selection;
    }
    this.counterStores.commit(counters);
    return counters;
  }
}

function emptyStateFor(changes: readonly StateChange[]): EnvironmentState | undefined {
  const env = changes.find((c) => c.op === 'set-environment');
  return env && env.op === 'set-environment' ? { environment: env.environment, apis: [], applications: [] } : undefined;
}

function blockedApi(api: EnvironmentState['apis'][number], key: string, services: CompileServices): CompiledApi {
  return { name: api.name, basePath: api.basePath, key, state: api, upstream: services.pools.target(api.upstream), timeoutMs: api.timeoutMs, policies: [], metrics: services.metrics.api(api.name) };
}
