import type { Logger } from 'pino';
import type { SecretValue } from '../../manifest/types.js';
import type { EnvironmentSettings } from '../../model/types.js';
import { referencedVariable } from '../../secrets/references.js';
import { parseRedisUrl } from '../../manifest/redis-url.js';
import { SharedStorage, emptyStats, type FailMode, type SharedStorageStats } from './shared-storage.js';
import type { CounterStore } from './types.js';

/** Which counter store a policy counts in, chosen from its config when the chain is compiled. */
export interface CounterSelection {
  forPolicy(config: Readonly<Record<string, unknown>>): CounterStore;
}

/** One store for every policy (tests, tools), or a selection per policy (the gateway). */
export function counterStoreFor(
  counters: CounterStore | CounterSelection,
  config: Readonly<Record<string, unknown>>,
): CounterStore {
  return 'forPolicy' in counters ? counters.forPolicy(config) : counters;
}

/** The counters of one environment state: local only, or shared through one connection. */
export class Counters implements CounterSelection {
  constructor(
    readonly local: CounterStore,
    readonly shared: SharedStorage | undefined,
  ) {}

  /** `clusterizable: false` counts locally; otherwise shared storage (when configured) with the policy's `failMode`. */
  forPolicy(config: Readonly<Record<string, unknown>>): CounterStore {
    if (!this.shared || config.clusterizable === false) return this.local;
    const mode: FailMode = config.failMode === 'closed' ? 'closed' : 'open';
    return this.shared.store(mode);
  }
}

export interface SharedStorageStatus {
  configured: boolean;
  connected: boolean;
  /** host:port of the Redis in use (never the credentials). */
  endpoint?: string;
  fallbacks: Record<FailMode, number>;
  outages: number;
  localRejections: number;
}

export interface CounterStoresOptions {
  local: CounterStore;
  logger: Logger;
  /** How long an apply waits for a new connection before it serves in the policies' fail modes (ms). */
  connectWaitMs?: number;
}

/**
 * The shared-storage lifecycle across reloads: a state whose environment names
 * a sharedStorage URL gets a connection, a reload with the same URL keeps it,
 * a changed URL opens a new one (the old one closes once the new chains serve),
 * a state without it closes it. prepare() → compile → commit() or discard().
 */
export class CounterStores {
  readonly stats: SharedStorageStats = emptyStats();
  private current: Counters;
  private readonly options: CounterStoresOptions;

  constructor(options: CounterStoresOptions) {
    this.options = options;
    this.current = new Counters(options.local, undefined);
  }

  /** The counters the served chains use. */
  get selection(): Counters {
    return this.current;
  }

  /** The counters for a candidate state; a problem when its sharedStorage cannot be used. */
  async prepare(environment: EnvironmentSettings): Promise<Counters | { problem: string }> {
    if (environment.sharedStorage === undefined)
      return this.current.shared ? new Counters(this.options.local, undefined) : this.current;
    const url = sharedStorageUrl(environment.sharedStorage);
    if (typeof url !== 'string') return url;
    const namespace = `tollgate:{${environment.name}}:`;
    if (this.current.shared?.url === url && this.current.shared.namespace === namespace) return this.current;
    const target = parseRedisUrl(url);
    if ('problem' in target) return target;
    const shared = new SharedStorage(url, {
      target,
      namespace,
      local: this.options.local,
      stats: this.stats,
      logger: this.options.logger,
    });
    await shared.waitReady(this.options.connectWaitMs ?? 2_000);
    return new Counters(this.options.local, shared);
  }

  /** The candidate's chains now serve: it becomes current, and a connection no longer used closes. */
  commit(next: Counters): void {
    const previous = this.current;
    this.current = next;
    if (previous.shared && previous.shared !== next.shared) void previous.shared.close();
  }

  /** The candidate was refused: close the connection it opened, if any. */
  discard(candidate: Counters): void {
    if (candidate.shared && candidate.shared !== this.current.shared) void candidate.shared.close();
  }

  status(): SharedStorageStatus {
    const shared = this.current.shared;
    return {
      configured: shared !== undefined,
      connected: shared?.connected ?? false,
      ...(shared ? { endpoint: shared.endpoint } : {}),
      fallbacks: { ...this.stats.fallbacks },
      outages: this.stats.outages,
      localRejections: this.stats.localRejections,
    };
  }

  /** Prometheus text for /metrics. */
  metricsText(): string {
    const s = this.status();
    return (
      [
        '# HELP tollgate_shared_storage_configured 1 when the environment counts limits in shared storage (Redis).',
        '# TYPE tollgate_shared_storage_configured gauge',
        `tollgate_shared_storage_configured ${s.configured ? 1 : 0}`,
        '# HELP tollgate_shared_storage_connected 1 while limits are counted in shared storage.',
        '# TYPE tollgate_shared_storage_connected gauge',
        `tollgate_shared_storage_connected ${s.connected ? 1 : 0}`,
        '# HELP tollgate_shared_storage_fallbacks_total Hits shared storage could not take, by fail mode (open: counted locally, closed: answered 503).',
        '# TYPE tollgate_shared_storage_fallbacks_total counter',
        `tollgate_shared_storage_fallbacks_total{mode="open"} ${s.fallbacks.open}`,
        `tollgate_shared_storage_fallbacks_total{mode="closed"} ${s.fallbacks.closed}`,
        '# HELP tollgate_shared_storage_outages_total Times shared storage became unreachable.',
        '# TYPE tollgate_shared_storage_outages_total counter',
        `tollgate_shared_storage_outages_total ${s.outages}`,
        '# HELP tollgate_shared_storage_local_rejections_total Rejections decided without a round trip (window known to be full until its reset).',
        '# TYPE tollgate_shared_storage_local_rejections_total counter',
        `tollgate_shared_storage_local_rejections_total ${s.localRejections}`,
      ].join('\n') + '\n'
    );
  }

  async close(): Promise<void> {
    const shared = this.current.shared;
    this.current = new Counters(this.options.local, undefined);
    await shared?.close();
  }
}

/**
 * The URL of the environment's shared storage. A `${env:NAME}` reference is
 * resolved here, from the gateway's own environment, whenever a state is
 * applied or loaded: the URL and its password are never persisted or sent back.
 */
export function sharedStorageUrl(value: SecretValue): string | { problem: string } {
  if (typeof value !== 'string')
    return { problem: 'sharedStorage must be a redis:// URL or a ${env:NAME} reference to one, not a hash' };
  const name = referencedVariable(value);
  if (name === undefined) return value;
  const resolved = process.env[name];
  if (resolved === undefined || resolved === '')
    return { problem: `sharedStorage references \${env:${name}}, which is not set in the gateway's environment` };
  return resolved;
}
