import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { PolicyCompileError } from '../../errors/catalog.js';
import type { ApiState, ApplicationState, PolicyInstance } from '../../model/types.js';
import type { ClientCredentials as CredentialsConfig } from '../../policies/sdk/index.js';
import { DEFAULT_CLIENT_CREDENTIALS } from '../../policies/shared/credentials-checks.js';
import { isStored } from '../../secrets/sealed.js';
import { policyModule } from '../../policies/catalog.js';
import { counterStoreFor, type CounterSelection } from '../counters/selection.js';
import type { CounterStore } from '../counters/types.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { UpstreamPools, UpstreamTls } from '../proxy/pools.js';
import { sha256 } from '../state/digest.js';
import type { CompiledApi, CompiledPolicy } from './compiled.js';
import { compileRules } from './rules.js';
import type { RuntimeStateStore } from './runtime-state.js';
import type { ApplicationRuntime, PolicyClock, PolicyHandlers } from './types.js';

export interface CompileServices {
  logger: Logger;
  /** One store for every policy, or a selection that picks shared storage or local per policy (clusterizable, failMode). */
  counters: CounterStore | CounterSelection;
  runtimeState: RuntimeStateStore;
  metrics: MetricsRegistry;
  pools: UpstreamPools;
  baseDir: string;
  /** The time policies count and wait in; the wall clock unless a replay or a test brings its own. */
  clock?: PolicyClock;
}

const WALL_CLOCK: PolicyClock = { now: () => Date.now(), sleep: (ms) => sleep(ms) };

/** Applications holding a contract for this API version, with their tier's limits. */
export function applicationsFor(
  api: ApiState,
  applications: readonly ApplicationState[],
): Map<string, ApplicationRuntime> {
  const tiers = new Map(api.slaTiers.map((t) => [t.name, t]));
  const out = new Map<string, ApplicationRuntime>();
  for (const app of applications) {
    const contract = app.contracts.find((c) => c.api === api.name && c.version === api.version);
    if (!contract) continue;
    const runtime: ApplicationRuntime = { name: app.name, clientId: app.clientId };
    if (isStored(app.clientSecret)) runtime.clientSecret = app.clientSecret;
    const tier = contract.tier === undefined ? undefined : tiers.get(contract.tier);
    if (tier) runtime.tier = { name: tier.name, limits: tier.limits };
    out.set(app.clientId, runtime);
  }
  return out;
}

/**
 * What an API's compiled form depends on: its own state, the applications with
 * a contract for it, and the environment settings. Equal keys → reuse.
 */
export function compileKey(
  apiFingerprint: string,
  environmentFingerprint: string,
  applicationFingerprints: readonly string[],
  upstreamTlsDigest?: string,
): string {
  // The digest of the upstream's resolved TLS material: a renewed CA or client certificate file recompiles the API.
  return sha256(
    `${apiFingerprint}\0${environmentFingerprint}\0${applicationFingerprints.join(',')}${upstreamTlsDigest === undefined ? '' : `\0${upstreamTlsDigest}`}`,
  );
}

export interface CompileResult {
  compiled: CompiledApi;
  /** Runtime state (queues) the new chain asked for: what it did not ask for is dropped when it serves. */
  keptStateIds: Set<string>;
}

export async function compileApi(
  api: ApiState,
  applicationsOfApi: readonly ApplicationState[],
  key: string,
  services: CompileServices,
  upstreamTls?: UpstreamTls,
): Promise<CompileResult> {
  const keptStateIds = new Set<string>();
  const applications = applicationsFor(api, applicationsOfApi);
  const enabled = api.chain.filter((policy) => policy.enabled);
  const cells = services.metrics.cellsFor(api.name, enabled);
  const clientCredentials = chainClientCredentials(enabled);
  const policies: CompiledPolicy[] = [];
  for (const [i, policy] of enabled.entries()) {
    let logger: Logger | undefined;
    const ctx = {
      apiName: api.name,
      apiVersion: api.version,
      basePath: api.basePath,
      policyName: policy.name,
      // A pino child costs tens of microseconds (bindings, redaction): made when a policy first logs, not for every policy of every API.
      get logger(): Logger {
        return (logger ??= services.logger.child({ api: api.name, policy: policy.name }));
      },
      applications,
      clientCredentials,
      counters: counterStoreFor(services.counters, policy.config),
      clock: services.clock ?? WALL_CLOCK,
      keep: services.runtimeState.keeper(api.name, policy.name, keptStateIds),
      baseDir: path.resolve(services.baseDir),
    };
    let handlers: PolicyHandlers;
    try {
      const module = policyModule(policy.type);
      handlers = await module.create(policy.config, ctx);
      policies.push({
        name: policy.name,
        type: policy.type,
        matches: compileRules(policy.rules),
        handlers,
        metrics: cells.policies[i]!,
      });
    } catch (err) {
      for (const p of policies) p.handlers.dispose?.();
      throw new PolicyCompileError(api.name, policy.name, (err as Error).message);
    }
  }
  const compiled: CompiledApi = {
    name: api.name,
    basePath: api.basePath,
    key,
    state: api,
    upstream: services.pools.target(api.upstream, upstreamTls),
    timeoutMs: api.timeoutMs,
    policies,
    metrics: cells,
    recordSampling: api.accessRecords?.sampling ?? 0,
  };
  return { compiled, keptStateIds };
}

/** The credentials of the chain's first client-identifying policy, or the default. */
function chainClientCredentials(chain: readonly PolicyInstance[]): CredentialsConfig {
  for (const policy of chain) {
    const credentials = policyModule(policy.type).clientCredentials?.(policy.config);
    if (credentials) return credentials;
  }
  return DEFAULT_CLIENT_CREDENTIALS;
}

/** An API that answers 503 with `reason`: a persisted policy that no longer compiles blocks only its API. */
export function blockedApi(api: ApiState, key: string, reason: string, services: CompileServices): CompiledApi {
  return {
    name: api.name,
    basePath: api.basePath,
    key,
    state: api,
    upstream: services.pools.target(api.upstream),
    timeoutMs: api.timeoutMs,
    policies: [],
    metrics: services.metrics.cellsFor(api.name, []),
    recordSampling: api.accessRecords?.sampling ?? 0,
    blocked: reason,
  };
}
