import type { Logger } from 'pino';
import type { ApiState, ApplicationState, EnvironmentSettings } from '../../model/types.js';
import { PolicyCompileError } from '../../errors/catalog.js';
import { blockedApi, compileApi, type CompileResult, type CompileServices } from '../chain/compile.js';
import type { CompiledApi } from '../chain/compiled.js';
import { RuntimeStateStore } from '../chain/runtime-state.js';
import { CounterStores, type Counters, type SharedStorageStatus } from '../counters/selection.js';
import type { CounterStore } from '../counters/types.js';
import type { CellsLayout } from '../metrics/cells.js';
import { MetricsRegistry } from '../metrics/registry.js';
import { UpstreamPools, type UpstreamTls } from '../proxy/pools.js';
import { TlsContexts, type TlsStage } from './tls-contexts.js';
import type { Serving } from './handle-request.js';
import { DEFAULT_PATH_OPTIONS, type PathOptions } from './request-path.js';
import { RecordSink, type RecorderDestination } from '../records/sink.js';
import type { Recording } from './observe.js';
import { RouteTable } from './route-table.js';

/** What the control side asks the data plane to serve next; applied with stage() then commit(). */
export interface StageRequest {
  environment: EnvironmentSettings;
  /** APIs to compile (new, or changed: their key differs from the one served). */
  put: {
    api: ApiState;
    applications: ApplicationState[];
    key: string;
    upstreamTls?: UpstreamTls /** Served blocked (503) with this reason: its upstream's TLS cannot be resolved. */;
    unavailable?: string;
  }[];
  /** APIs no longer served. */
  remove: string[];
  /** A policy that fails to compile: refuse the whole stage, or serve its API blocked (503), as at start-up. */
  onCompileError: 'refuse' | 'block';
  /** undefined: ready; otherwise why every API answers 503 (gatekeeper). */
  notReady: string | undefined;
  /** What the TLS listeners serve from now on: undefined leaves it as it is, null serves no certificate. */
  tls?: TlsStage | null;
}

export interface StagedCells {
  layout: CellsLayout;
  buffer: SharedArrayBuffer;
}

export type StageResult =
  | { ok: true; blocked: { api: string; reason: string }[]; cells: StagedCells[] }
  | { ok: false; code: 'TG_COMPILE' | 'TG_INVALID_STATE'; message: string; path?: string };

interface Staged {
  counters: Counters;
  newlyCompiled: CompileResult[];
  remove: string[];
  notReady: string | undefined;
  pathOptions: Readonly<PathOptions>;
  tls: TlsContexts | null | undefined;
  records: EnvironmentSettings['accessRecords'];
  environment: string;
}

export interface DataPlaneRuntimeOptions {
  logger: Logger;
  /** Local counters: the default, and where fail-open policies count while shared storage is unreachable. */
  counters: CounterStore;
  baseDir: string;
  /** This gateway's name in access records. */
  nodeName: string;
}

/** Compiling one API takes microseconds; after this much work in one go, requests get a turn. */
const SLICE_MS = 2;

/**
 * The data plane's side of a reload, on the data plane's thread: it compiles the
 * changed APIs into handlers (in slices, yielding to requests in between), and
 * swaps the route table in one assignment. Counters, queues, upstream pools and
 * metric cells live here and survive reloads. It never validates, plans or
 * serializes a state: the control side did that before asking.
 */
export class DataPlaneRuntime {
  serving: Serving = {
    table: new RouteTable(new Map()),
    notReady: 'starting',
    pathOptions: DEFAULT_PATH_OPTIONS,
    httpsRedirectPort: undefined,
  };
  /** The certificates the TLS listeners serve (SNICallback reads it on every handshake); undefined: none. */
  tls: TlsContexts | undefined;
  private httpsPort: number | undefined;
  private readonly tlsListeners = new Set<(contexts: TlsContexts | undefined) => void>();
  readonly counterStores: CounterStores;
  private readonly runtimeState = new RuntimeStateStore();
  private readonly pools = new UpstreamPools();
  private readonly metrics = new MetricsRegistry();
  private staged: Staged | undefined;
  private staging:
    | {
        header: Omit<StageRequest, 'put'>;
        counters: Counters;
        services: CompileServices;
        newlyCompiled: CompileResult[];
        blocked: { api: string; reason: string }[];
        tls: TlsContexts | null | undefined;
      }
    | undefined;

  constructor(private readonly options: DataPlaneRuntimeOptions) {
    this.counterStores = new CounterStores({ local: options.counters, logger: options.logger });
  }

  /** The compile key of every API served: after a control restart, only what differs is staged again. */
  keys(): Record<string, string> {
    const keys: Record<string, string> = {};
    for (const [name, api] of this.serving.table.apis) if (api.blocked === undefined) keys[name] = api.key;
    return keys;
  }

  /** Compiles what `request` puts, without serving it yet. At most one stage is pending. */
  async stage(request: StageRequest): Promise<StageResult> {
    const { put, ...header } = request;
    const begun = await this.beginStage(header);
    if (!begun.ok) return begun;
    const added = await this.addToStage(put);
    return added.ok ? this.endStage() : added;
  }

  /**
   * A stage in parts (across threads, the APIs come in batches: no message the
   * data plane must decode at once is large): begin, add batches, end.
   */
  async beginStage(header: Omit<StageRequest, 'put'>): Promise<{ ok: true } | Extract<StageResult, { ok: false }>> {
    this.discard();
    const counters = await this.counterStores.prepare(header.environment);
    if ('problem' in counters)
      return { ok: false, code: 'TG_INVALID_STATE', message: counters.problem, path: '/environment/sharedStorage' };
    let tls: TlsContexts | null | undefined;
    try {
      tls = header.tls ? new TlsContexts(header.tls) : header.tls;
    } catch (err) {
      this.counterStores.discard(counters);
      // The control side checked the material; what is left is OpenSSL refusing it (e.g. a cipher list it does not know).
      return {
        ok: false,
        code: 'TG_INVALID_STATE',
        message: `the TLS settings cannot be used: ${(err as Error).message.replace(/\n[\s\S]*/, '')}`,
        path: '/environment/tls',
      };
    }
    const services: CompileServices = {
      logger: this.options.logger,
      counters,
      runtimeState: this.runtimeState,
      metrics: this.metrics,
      pools: this.pools,
      baseDir: this.options.baseDir,
    };
    this.staging = { header, counters, services, newlyCompiled: [], blocked: [], tls };
    return { ok: true };
  }

  async addToStage(put: StageRequest['put']): Promise<{ ok: true } | Extract<StageResult, { ok: false }>> {
    const staging = this.staging;
    if (!staging) return { ok: false, code: 'TG_COMPILE', message: 'no stage was begun' };
    let sliceStarted = performance.now();
    for (const { api, applications, key, upstreamTls, unavailable } of put) {
      try {
        if (unavailable !== undefined) throw new PolicyCompileError(api.name, 'upstreamTls', unavailable);
        staging.newlyCompiled.push(await compileApi(api, applications, key, staging.services, upstreamTls));
      } catch (err) {
        const message =
          err instanceof PolicyCompileError ? err.message : `compilation failed: ${(err as Error).message}`;
        if (staging.header.onCompileError === 'refuse') {
          this.discard();
          return { ok: false, code: 'TG_COMPILE', message };
        }
        this.options.logger.error({ api: api.name, err: message }, 'policy failed to compile; the API answers 503');
        staging.blocked.push({ api: api.name, reason: message });
        staging.newlyCompiled.push({
          compiled: blockedApi(api, key, message, staging.services),
          keptStateIds: new Set(),
        });
      }
      if (performance.now() - sliceStarted > SLICE_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
    }
    return { ok: true };
  }

  endStage(): StageResult {
    const staging = this.staging;
    if (!staging) return { ok: false, code: 'TG_COMPILE', message: 'no stage was begun' };
    this.staging = undefined;
    const { header, counters, newlyCompiled, blocked, tls } = staging;
    this.staged = {
      counters,
      newlyCompiled,
      remove: header.remove,
      notReady: header.notReady,
      pathOptions: pathOptionsOf(header.environment),
      tls,
      records: header.environment.accessRecords,
      environment: header.environment.name,
    };
    return {
      ok: true,
      blocked,
      cells: newlyCompiled.map(({ compiled }) => ({
        layout: compiled.metrics.layout,
        buffer: compiled.metrics.buffer,
      })),
    };
  }

  /** Serves what was staged: one assignment; requests already running finish on the table they read. */
  commit(): void {
    const staged = this.staged;
    if (!staged) return;
    this.staged = undefined;
    const previous = this.serving.table.apis;
    const table = this.serving.table.with(
      staged.newlyCompiled.map(({ compiled }) => compiled),
      staged.remove,
    );
    const next = table.apis;
    if (staged.tls !== undefined) this.tls = staged.tls ?? undefined;
    this.serving = {
      table,
      notReady: staged.notReady,
      pathOptions: staged.pathOptions,
      httpsRedirectPort: this.redirectPort(),
      records: this.recording(staged),
    };
    if (staged.tls !== undefined) for (const listener of this.tlsListeners) listener(this.tls);
    this.counterStores.commit(staged.counters);
    this.retire(previous, next, staged);
  }

  /** Drops what was staged or is being staged (the control side could not make it durable, or a newer stage replaces it). */
  discard(): void {
    for (const pending of [this.staged, this.staging]) {
      if (!pending) continue;
      disposeAll(pending.newlyCompiled);
      this.counterStores.discard(pending.counters);
    }
    this.staged = undefined;
    this.staging = undefined;
  }

  /** Only the gatekeeper's answer changes (e.g. strict mode waiting for the control plane). */
  setNotReady(reason: string | undefined): void {
    this.serving = { ...this.serving, notReady: reason };
  }

  /** A TLS listener follows the applied certificates (e.g. its default context); called at once with the current ones. */
  onTlsChange(listener: (contexts: TlsContexts | undefined) => void): void {
    this.tlsListeners.add(listener);
    listener(this.tls);
  }

  /** The port of the TLS listener, where plain HTTP redirects when the environment asks. */
  setHttpsPort(port: number): void {
    this.httpsPort = port;
    this.serving = { ...this.serving, httpsRedirectPort: this.redirectPort() };
  }

  /** What the TLS listeners serve, for /status: certificate names, hosts, fingerprints and expiry; no key. */
  tlsStatus():
    | { digest: string; minVersion: string; redirectHttp: boolean; certificates: ReturnType<TlsContexts['summaries']> }
    | undefined {
    const tls = this.tls;
    return (
      tls && {
        digest: tls.digest,
        minVersion: tls.stage.settings.minVersion,
        redirectHttp: tls.stage.settings.redirectHttp,
        certificates: tls.summaries(),
      }
    );
  }

  private redirectPort(): number | undefined {
    return this.tls?.redirectHttp && this.httpsPort !== undefined ? this.httpsPort : undefined;
  }

  /** What only the data plane knows, for /status and /metrics: shared storage and access records. */
  status(): DataPlaneStatus {
    const sink = this.serving.records?.sink;
    const records = sink
      ? { destination: sink.destination, recorded: sink.recorded, dropped: sink.dropped }
      : undefined;
    return {
      sharedStorage: this.counterStores.status(),
      ...(records ? { accessRecords: records } : {}),
      metrics: this.counterStores.metricsText() + recordsMetrics(records),
    };
  }

  /** Log rotation (SIGHUP): the access-record file is opened again. */
  reopenRecords(): void {
    this.serving.records?.sink.reopen();
  }

  /** Where the served environment's access records go: the same writer while the destination is the same. */
  private recording(staged: Staged): Recording | undefined {
    const current = this.serving.records;
    const wanted = staged.records;
    if (current && (!wanted || !sameDestination(current.sink.destination, wanted.destination)))
      void current.sink.close();
    if (!wanted) return undefined;
    const sink =
      current && sameDestination(current.sink.destination, wanted.destination)
        ? current.sink
        : new RecordSink(wanted.destination, this.options.logger);
    return { sink, environment: staged.environment, node: this.options.nodeName, sampling: wanted.sampling };
  }

  async close(): Promise<void> {
    this.discard();
    await this.serving.records?.sink.close();
    for (const api of this.serving.table.apis.values()) for (const p of api.policies) p.handlers.dispose?.();
    await this.pools.close();
    await this.counterStores.close();
  }

  /** Releases what replaced or removed APIs held: work proportional to what changed, not to the state's size. */
  private retire(
    previous: ReadonlyMap<string, CompiledApi>,
    next: ReadonlyMap<string, CompiledApi>,
    staged: Staged,
  ): void {
    for (const { compiled, keptStateIds } of staged.newlyCompiled) {
      for (const p of previous.get(compiled.name)?.policies ?? []) p.handlers.dispose?.();
      this.runtimeState.retain(compiled.name, keptStateIds);
    }
    for (const name of staged.remove) {
      if (next.has(name)) continue;
      for (const p of previous.get(name)?.policies ?? []) p.handlers.dispose?.();
      this.runtimeState.retain(name, new Set());
      this.metrics.forget(name);
    }
    const upstreamsMoved =
      staged.remove.length > 0 ||
      staged.newlyCompiled.some(
        ({ compiled }) => previous.get(compiled.name)?.upstream.poolKey !== compiled.upstream.poolKey,
      );
    if (upstreamsMoved) void this.pools.retain(new Set([...next.values()].map((a) => a.upstream.poolKey)));
  }
}

function disposeAll(results: readonly CompileResult[]): void {
  for (const { compiled } of results) for (const p of compiled.policies) p.handlers.dispose?.();
}

function pathOptionsOf(environment: EnvironmentSettings): Readonly<PathOptions> {
  const escapedSlashes = environment.requestPaths?.escapedSlashes;
  return escapedSlashes === undefined || escapedSlashes === DEFAULT_PATH_OPTIONS.escapedSlashes
    ? DEFAULT_PATH_OPTIONS
    : { escapedSlashes };
}

export interface DataPlaneStatus {
  sharedStorage: SharedStorageStatus;
  accessRecords?: { destination: RecorderDestination; recorded: number; dropped: number };
  /** Prometheus text of the above. */
  metrics: string;
}

function sameDestination(a: RecorderDestination, b: RecorderDestination): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && a.file === b.file);
}

function recordsMetrics(records: DataPlaneStatus['accessRecords']): string {
  if (!records) return '';
  return (
    [
      '# HELP tollgate_access_records_total Access records handed to the writer.',
      '# TYPE tollgate_access_records_total counter',
      `tollgate_access_records_total ${records.recorded}`,
      '# HELP tollgate_access_records_dropped_total Access records dropped because the writer fell too far behind.',
      '# TYPE tollgate_access_records_dropped_total counter',
      `tollgate_access_records_dropped_total ${records.dropped}`,
    ].join('\n') + '\n'
  );
}
