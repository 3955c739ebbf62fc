import type { Logger } from 'pino';
import type { GatekeeperMode } from '../../manifest/types.js';
import type { EnvironmentState } from '../../model/types.js';
import type { NodeCounts } from '../../alerts/counts.js';
import type { StageRequest, StageResult } from '../data-plane/runtime.js';
import type { StateChange } from '../state/apply-changes.js';
import type { StateProblem } from '../state/check-state.js';
import { applicationsByApi, type StateFingerprints } from '../state/fingerprint.js';
import type { PersistedState, StateSource } from '../state/persistence.js';
import type { DataPlaneLink } from './link.js';
import { LOCAL_READERS, type TlsReaders } from '../../tls/resolve.js';
import { resolveTls, type TlsResolution } from './tls-resolution.js';
import { CompileKeys } from './compile-keys.js';
import { DataPlaneCells } from './data-plane-cells.js';
import { prepareState } from './prepare-state.js';
import { ReloadHistory, type ReloadRecord } from './reload-history.js';
import { SerializedView } from './serialized-view.js';
import { StatePersistence } from './state-persistence.js';

export type { ReloadRecord } from './reload-history.js';

export interface Transaction {
  expectedRevision: number;
  state?: unknown;
  changes?: StateChange[];
  source?: StateSource;
}

export type RefusalCode = 'TG_STALE_REVISION' | 'TG_INVALID_STATE' | 'TG_COMPILE' | 'TG_PERSIST';

export type ApplyOutcome =
  | { ok: true; revision: number; digest: string; changedApis: string[]; unchanged: boolean; durationMs: number }
  | {
      ok: false;
      status: 409 | 422 | 503;
      code: RefusalCode;
      message: string;
      problems?: StateProblem[];
      revision: number;
    };

export interface ControlEngineOptions {
  logger: Logger;
  link: DataPlaneLink;
  /** Key of the `check` stored beside each secret (secretCheckKey of the admin token). */
  secretCheckKey: string;
  /** Where applied states are kept; none → nothing is persisted. */
  stateDir?: string;
  /** Overrides the gatekeeper mode of the persisted state at start-up. */
  gatekeeper?: GatekeeperMode;
  /** flexible: how long a restarted gateway waits for the control plane before it serves its persisted state. */
  gatekeeperGraceMs?: number;
  /**
   * The data plane already serves the persisted state (the control side restarted,
   * the process did not): it is taken as delivered whatever the gatekeeper says.
   */
  resumed?: boolean;
  /** Where certificate and upstream TLS references are resolved (default: this process's environment and file system). */
  tlsReaders?: TlsReaders;
}

export const DEFAULT_GATEKEEPER_GRACE_MS = 15_000;

/** A state the data plane compiled and holds, ready to serve. */
interface Staged {
  ok: true;
  fingerprints: StateFingerprints;
  /** Compile key of every API of the state. */
  keys: Map<string, string>;
  put: string[];
  removed: string[];
  blocked: { api: string; reason: string }[];
  /** Digest of the TLS material the data plane serves once this commits ('' for none). */
  tlsDigest: string;
  /** Digest of each upstream's TLS material, by API. */
  upstreamTls: Map<string, string>;
}

/**
 * The gateway's control side and the owner of the served state: it has each
 * transaction prepared (prepare-state.ts), decides which APIs changed
 * (compile-keys.ts), has the data plane compile them, makes the state durable
 * (state-persistence.ts), and only then has the data plane swap it in and
 * answers; it keeps the reload history (reload-history.ts) and reads the data
 * plane's counters (data-plane-cells.ts). It runs off the data plane's event
 * loop (a worker thread): a state of any size slows a reload, never a request.
 */
export class ControlEngine {
  revision = 0;
  digest = '';
  source: StateSource | undefined;
  state: EnvironmentState | undefined;
  /** undefined when every API is served; otherwise why all answer 503 (gatekeeper). */
  notReady: string | undefined = 'no policies applied yet';
  /** APIs the data plane serves blocked (503), with why. */
  readonly blocked = new Map<string, string>();
  private fingerprints: StateFingerprints | undefined;
  /** The compile key of each API the data plane serves. */
  private served = new Map<string, string>();
  private readonly reloadHistory = new ReloadHistory();
  private readonly cells = new DataPlaneCells();
  private readonly compileKeys = new CompileKeys();
  private readonly persistence: StatePersistence;
  private readonly publicViewJson = new SerializedView(() => this.publicView());
  private readonly fingerprintViewJson = new SerializedView(() => this.fingerprintView());
  private queue: Promise<unknown> = Promise.resolve();
  private graceTimer: NodeJS.Timeout | undefined;
  /** Digest of the TLS material the data plane serves ('' for none). */
  private tlsDigest = '';
  private upstreamTlsDigests = new Map<string, string>();
  /** The last refresh's problems, so that a file still broken is not logged every poll. */
  private refreshProblems = '';

  constructor(private readonly options: ControlEngineOptions) {
    this.persistence = new StatePersistence(options.stateDir, options.logger);
  }

  /** The last revision known to be on disk. */
  get persistedRevision(): number {
    return this.persistence.revision;
  }

  /** The last 10 reloads, newest first. */
  get history(): ReloadRecord[] {
    return this.reloadHistory.records;
  }

  /** Reload counters, for /metrics. */
  get reloads(): { readonly ok: number; readonly failed: number; readonly lastSeconds: number } {
    return this.reloadHistory.counts;
  }

  /** Loads the persisted state and has the data plane serve it as the gatekeeper mode allows. */
  async start(): Promise<void> {
    const { logger } = this.options;
    const persisted = await this.persistence.load();
    const mode = this.options.gatekeeper ?? persisted?.state.environment.gatekeeper ?? 'flexible';
    if (!persisted) {
      await this.gate(mode === 'disabled' ? undefined : 'no policies applied yet');
      return;
    }
    this.revision = persisted.revision;
    if (mode === 'strict' && !this.options.resumed) {
      // The control plane must deliver the policies again: report no state, so a plan re-applies everything.
      await this.gate('gatekeeper strict: waiting for the control plane to apply policies');
      logger.info(
        { revision: this.revision },
        'gatekeeper strict: persisted state not served until policies are applied',
      );
      return;
    }
    const grace = this.options.gatekeeperGraceMs ?? DEFAULT_GATEKEEPER_GRACE_MS;
    const holding = mode === 'flexible' && !this.options.resumed && grace > 0;
    const notReady = holding
      ? `gatekeeper flexible: waiting up to ${Math.round(grace / 1000)} s for the control plane to confirm the persisted policies`
      : undefined;
    const tls = this.resolveTls(persisted.state);
    if (tls.problems.length)
      logger.error(
        { problems: tls.problems.slice(0, 20) },
        'TLS material of the persisted state cannot be used: the certificates concerned are not served, the APIs concerned answer 503',
      );
    const staged = await this.stageState(persisted.state, 'block', notReady, undefined, tls);
    if (!staged.ok) {
      // Only the environment can fail as a whole here (e.g. its shared storage URL unresolved): nothing serves.
      logger.error({ problem: staged.message }, 'the persisted state cannot be served');
      await this.gate(`the persisted state cannot be served: ${staged.message}`);
      return;
    }
    await this.options.link.commit();
    this.adopt(persisted.state, staged, persisted.source, notReady);
    if (holding) {
      this.graceTimer = setTimeout(() => void this.endGrace(), grace);
      this.graceTimer.unref();
    }
    logger.info(
      { revision: this.revision, apis: persisted.state.apis.length, gatekeeper: mode, holding },
      holding ? 'persisted state staged; waiting for the control plane' : 'serving the persisted state',
    );
  }

  /** Applies transactions one at a time, in arrival order; a grown journal is folded after the answer, before the next one. */
  apply(tx: Transaction): Promise<ApplyOutcome> {
    const run = this.queue.then(() => this.applyNow(tx));
    this.queue = run
      .then(() => this.persistence.compactIfNeeded(this.revision, () => this.durableView()))
      .catch(() => undefined);
    return run;
  }

  /** What a planner in this process compares secrets with (the key of their checks). */
  get secretCheckKey(): string {
    return this.options.secretCheckKey;
  }

  /** Whether the gateway holds its persisted state until the control plane confirms it (flexible gatekeeper). */
  get holding(): boolean {
    return this.graceTimer !== undefined;
  }

  /** The served state as GET /state shows it; `apis` narrows it to some APIs. */
  publicView(apis?: readonly string[]): {
    revision: number;
    digest: string;
    source: StateSource | undefined;
    state: EnvironmentState | undefined;
    holding?: true;
  } {
    const served = this.reported();
    let state = served;
    if (state && apis) {
      const wanted = new Set(apis);
      state = { ...state, apis: state.apis.filter((a) => wanted.has(a.name)) };
    }
    return {
      revision: this.revision,
      digest: served ? this.digest : '',
      source: served ? this.source : undefined,
      state,
      ...(this.holding ? { holding: true as const } : {}),
    };
  }

  /** GET /state of a large state is read often and changes only on apply: serialized once per revision. */
  publicJson(): string {
    return this.publicViewJson.json(this.viewVersion());
  }

  /** Per-API fingerprints: lets a planner fetch only the APIs that differ. */
  fingerprintView(): { revision: number; digest: string; fingerprints: StateFingerprints | undefined; holding?: true } {
    const served = this.reported() !== undefined;
    return {
      revision: this.revision,
      digest: served ? this.digest : '',
      fingerprints: served ? this.fingerprints : undefined,
      ...(this.holding ? { holding: true as const } : {}),
    };
  }

  /** GET /state/digests is every plan's and drift check's first read: serialized once per revision too. */
  fingerprintJson(): string {
    return this.fingerprintViewJson.json(this.viewVersion());
  }

  /** What the views depend on besides the state itself, which changes only with the revision. */
  private viewVersion(): string {
    return `${this.revision}|${this.reported() !== undefined}|${this.holding}`;
  }

  /** What the data plane counted per API, read from its shared cells: what alerts compare period after period. */
  counts(): NodeCounts {
    return this.cells.counts();
  }

  /** The data plane's request metrics, read from its shared cells (no call into its thread). */
  dataPlaneMetrics(): string {
    return this.cells.metrics();
  }

  async close(): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    await this.queue;
    await this.persistence.close();
  }

  /** The served state as it is persisted. */
  private durableView(): PersistedState | undefined {
    return (
      this.state && {
        revision: this.revision,
        digest: this.digest,
        source: this.source,
        state: this.state,
        savedAt: new Date().toISOString(),
      }
    );
  }

  /** What a plan may compare with: nothing while strict mode waits for the control plane. */
  private reported(): EnvironmentState | undefined {
    return this.notReady === undefined || this.holding ? this.state : undefined;
  }

  private async applyNow(tx: Transaction): Promise<ApplyOutcome> {
    const started = performance.now();
    const refuse = (
      status: 409 | 422 | 503,
      code: RefusalCode,
      message: string,
      problems?: StateProblem[],
    ): ApplyOutcome => {
      this.reloadHistory.refused(this.revision, performance.now() - started, message, code !== 'TG_STALE_REVISION');
      this.options.logger.warn(
        { code, message, problems: problems?.slice(0, 20) },
        'transaction refused; the previous state keeps serving',
      );
      return problems
        ? { ok: false, status, code, message, problems, revision: this.revision }
        : { ok: false, status, code, message, revision: this.revision };
    };
    if (tx.expectedRevision !== this.revision) {
      return refuse(
        409,
        'TG_STALE_REVISION',
        `expected revision ${tx.expectedRevision}, but the gateway serves revision ${this.revision}; re-read the state and plan again`,
      );
    }
    const current = this.reported();
    const prepared = await prepareState(tx, {
      current,
      secretCheckKey: this.options.secretCheckKey,
      resolveTls: (state) => this.resolveTls(state),
    });
    if (!prepared.ok) return refuse(422, prepared.code, prepared.message, prepared.problems);
    const { state, tls } = prepared;
    const fingerprints = this.compileKeys.fingerprints(state);
    if (current && fingerprints.digest === this.digest) {
      // Nothing changed; a control plane confirming the persisted state ends the gatekeeper's wait.
      if (this.holding) await this.endGrace('confirmed by the control plane');
      this.reloadHistory.unchanged(this.revision, performance.now() - started);
      return {
        ok: true,
        revision: this.revision,
        digest: this.digest,
        changedApis: [],
        unchanged: true,
        durationMs: performance.now() - started,
      };
    }

    const staged = await this.stageState(state, 'refuse', undefined, fingerprints, tls);
    if (!staged.ok) {
      const problems = staged.path ? [{ path: staged.path, message: staged.message }] : undefined;
      return refuse(422, staged.code, staged.message, problems);
    }
    const revision = this.revision + 1;
    const source = tx.source ?? { kind: 'admin' as const, revision: fingerprints.digest };
    // Durable before it serves and before it is acknowledged: what changed since the durable state, or the whole state.
    try {
      await this.persistence.commit(
        { revision, digest: fingerprints.digest, source, state, savedAt: new Date().toISOString() },
        this.state,
        this.revision,
      );
    } catch (err) {
      await this.options.link.discard();
      return refuse(
        503,
        'TG_PERSIST',
        `the state could not be written to ${this.options.stateDir}, so it is not applied: ${(err as Error).message}`,
      );
    }
    await this.options.link.commit();
    const changedApis = [...staged.put, ...staged.removed].sort();
    this.revision = revision;
    this.adopt(state, staged, source, undefined);
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    const durationMs = performance.now() - started;
    this.reloadHistory.applied(this.revision, durationMs, changedApis);
    this.options.logger.info(
      {
        revision: this.revision,
        changedApis: changedApis.slice(0, 50),
        changed: changedApis.length,
        durationMs: Math.round(durationMs * 10) / 10,
      },
      'reloaded',
    );
    return {
      ok: true,
      revision: this.revision,
      digest: fingerprints.digest,
      changedApis,
      unchanged: false,
      durationMs,
    };
  }

  /**
   * Has the data plane compile every API of `state` whose compile key differs
   * from the one it serves (and drop the ones `state` no longer has), without
   * serving them yet.
   */
  private async stageState(
    state: EnvironmentState,
    onCompileError: StageRequest['onCompileError'],
    notReady: string | undefined,
    knownFingerprints: StateFingerprints | undefined,
    tls: TlsResolution,
  ): Promise<Staged | Extract<StageResult, { ok: false }>> {
    const fingerprints = knownFingerprints ?? this.compileKeys.fingerprints(state);
    const byApi = applicationsByApi(state.applications);
    if (this.served.size === 0 && this.options.resumed)
      this.served = new Map(Object.entries(await this.options.link.keys()));
    const keys = new Map<string, string>();
    const put: StageRequest['put'] = [];
    for (const api of state.apis) {
      const applications = byApi.get(api.name) ?? [];
      const upstreamTls = tls.upstreams.get(api.name);
      const usable = upstreamTls && 'digest' in upstreamTls ? upstreamTls : undefined;
      const key = this.compileKeys.keyOf(api, applications, fingerprints, usable?.digest);
      keys.set(api.name, key);
      if (this.served.get(api.name) !== key || this.blocked.has(api.name)) {
        put.push({
          api,
          applications,
          key,
          ...(usable ? { upstreamTls: usable } : {}),
          ...(upstreamTls && 'problem' in upstreamTls ? { unavailable: upstreamTls.problem } : {}),
        });
      }
    }
    const removed = [...this.served.keys()].filter((name) => !keys.has(name));
    const tlsDigest = tls.stage?.digest ?? '';
    const tlsChange = tlsDigest === this.tlsDigest ? {} : { tls: tls.stage };
    const result = await this.options.link.stage({
      environment: state.environment,
      put,
      remove: removed,
      onCompileError,
      notReady,
      ...tlsChange,
    });
    if (!result.ok) return result;
    this.cells.update(result.cells, removed);
    for (const warning of tls.warnings) this.options.logger.warn({ warning }, 'TLS');
    return {
      ok: true,
      fingerprints,
      keys,
      put: put.map((p) => p.api.name),
      removed,
      blocked: result.blocked,
      tlsDigest,
      upstreamTls: upstreamDigests(tls),
    };
  }

  /** The staged state serves now: remember it as the live one. */
  private adopt(
    state: EnvironmentState,
    staged: Staged,
    source: StateSource | undefined,
    notReady: string | undefined,
  ): void {
    this.state = state;
    this.fingerprints = staged.fingerprints;
    this.digest = staged.fingerprints.digest;
    this.source = source;
    this.served = staged.keys;
    this.tlsDigest = staged.tlsDigest;
    this.upstreamTlsDigests = staged.upstreamTls;
    this.notReady = notReady;
    for (const name of [...staged.put, ...staged.removed]) this.blocked.delete(name);
    for (const { api, reason } of staged.blocked) this.blocked.set(api, reason);
  }

  private resolveTls(state: EnvironmentState): TlsResolution {
    return resolveTls(state, this.options.tlsReaders ?? LOCAL_READERS);
  }

  /**
   * Reads the served state's TLS references again (a mounted secret renewed in
   * place, e.g. by cert-manager): what changed is staged and served, with no
   * new revision (the state is the same). Material that does not pass the
   * checks (a half-written file, a key that does not match yet) is logged and
   * the previous material keeps serving until a later refresh.
   */
  refreshTls(): Promise<'unchanged' | 'reloaded' | 'refused'> {
    const run = this.queue.then(async () => {
      const state = this.state;
      if (!state || (!state.certificates?.length && !state.apis.some((a) => a.upstreamTls)))
        return 'unchanged' as const;
      const tls = this.resolveTls(state);
      if (tls.problems.length) {
        const summary = JSON.stringify(tls.problems);
        if (summary !== this.refreshProblems)
          this.options.logger.warn(
            { problems: tls.problems.slice(0, 20) },
            'TLS files changed but cannot be used yet; the previous material keeps serving',
          );
        this.refreshProblems = summary;
        return 'refused' as const;
      }
      this.refreshProblems = '';
      // Nothing read differs from what serves: no stage at all (the usual poll).
      const upstreams = upstreamDigests(tls);
      if (
        (tls.stage?.digest ?? '') === this.tlsDigest &&
        upstreams.size === this.upstreamTlsDigests.size &&
        [...upstreams].every(([api, digest]) => this.upstreamTlsDigests.get(api) === digest)
      )
        return 'unchanged' as const;
      const staged = await this.stageState(state, 'refuse', this.notReady, this.fingerprints, tls);
      if (!staged.ok) {
        this.options.logger.warn(
          { problem: staged.message },
          'renewed TLS material was refused by the data plane; the previous material keeps serving',
        );
        return 'refused' as const;
      }
      if (staged.put.length === 0 && staged.removed.length === 0 && staged.tlsDigest === this.tlsDigest) {
        await this.options.link.discard();
        return 'unchanged' as const;
      }
      await this.options.link.commit();
      const tlsChanged = staged.tlsDigest !== this.tlsDigest;
      this.adopt(state, staged, this.source, this.notReady);
      this.options.logger.info(
        { certificatesChanged: tlsChanged, upstreamsChanged: staged.put },
        'TLS material renewed in place is served',
      );
      return 'reloaded' as const;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async endGrace(reason = 'the control plane was not reached in time'): Promise<void> {
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    if (this.notReady === undefined || !this.state) return;
    await this.gate(undefined);
    this.options.logger.info({ revision: this.revision, reason }, 'gatekeeper flexible: serving the persisted state');
  }

  private async gate(reason: string | undefined): Promise<void> {
    this.notReady = reason;
    await this.options.link.setNotReady(reason);
  }
}

function upstreamDigests(tls: TlsResolution): Map<string, string> {
  const out = new Map<string, string>();
  for (const [api, upstream] of tls.upstreams) if ('digest' in upstream) out.set(api, upstream.digest);
  return out;
}
