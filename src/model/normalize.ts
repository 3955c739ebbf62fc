import path from 'node:path';
import type { ApiManifest, EnvironmentManifest, ManifestSet, PolicySpec, UpstreamTlsSpec } from '../manifest/types.js';
import { absoluteFileReference } from '../tls/references.js';
import { assembleChain } from '../precedence/assemble.js';
import { effectiveApi } from './effective-api.js';
import { freezeDeep } from './immutable.js';
import type { ApiState, ApplicationState, CertificateState, EnvironmentState, PolicyInstance } from './types.js';

/**
 * API states by the manifests they were built from. An API state is a pure
 * function of its Api manifest and its Environment manifest: while both are
 * the same objects (unchanged files, see ManifestFileCache), so is the state.
 */
export class ApiStateMemo {
  readonly states = new WeakMap<ApiManifest, { env: EnvironmentManifest; state: ApiState }>();
  /** The last list sorted: its names in input order, and that order sorted (files rarely list APIs by name). */
  sorted: { names: string[]; order: number[] } | undefined;
}

/**
 * The desired state of one environment, from validated manifests: overrides
 * applied, chains assembled, custom module paths made absolute, sorted by name.
 */
export function environmentState(set: ManifestSet, envName: string, memo?: ApiStateMemo): EnvironmentState {
  const env = set.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`environment ${envName} is not defined`);
  const unsorted = set.apis
    .filter((a) => a.spec.environments.includes(envName))
    .map((api) => {
      if (!memo) return apiState(api, env);
      const cached = memo.states.get(api);
      if (cached?.env === env) return cached.state;
      // Frozen: it is shared with the next revisions and keys their caches.
      const state = freezeDeep(apiState(api, env));
      memo.states.set(api, { env, state });
      return state;
    });
  const apis = memo ? sortedByName(unsorted, memo) : unsorted.sort(byName);
  const deployed = new Map(apis.map((a) => [a.name, a.version]));
  const applications: ApplicationState[] = set.applications
    .map((app) => {
      const contracts = app.spec.contracts
        .filter((c) => deployed.get(c.api) === c.version && (!c.environments || c.environments.includes(envName)))
        .map((c) =>
          c.tier === undefined ? { api: c.api, version: c.version } : { api: c.api, version: c.version, tier: c.tier },
        )
        .sort((a, b) => a.api.localeCompare(b.api));
      const state: ApplicationState = { name: app.name, ...labelsOf(app), clientId: app.spec.clientId, contracts };
      if (app.spec.clientSecret !== undefined) state.clientSecret = app.spec.clientSecret;
      return state;
    })
    .filter((app) => app.contracts.length > 0)
    .sort(byName);
  const settings: EnvironmentState['environment'] = {
    name: env.name,
    precedence: env.spec.precedence,
    gatekeeper: env.spec.gatekeeper,
  };
  if (env.spec.sharedStorage !== undefined) settings.sharedStorage = env.spec.sharedStorage;
  if (env.spec.requestPaths?.escapedSlashes === 'keep') settings.requestPaths = { escapedSlashes: 'keep' };
  const records = env.spec.accessRecords;
  if (records)
    settings.accessRecords = { destination: records.destination, sampling: records.enabled ? records.sampling : 0 };
  const certificates = certificatesOf(set, env, apis);
  const state: EnvironmentState = { environment: settings, apis, applications };
  if (certificates.length) {
    const tls = env.spec.tls;
    settings.tls = {
      minVersion: tls?.minVersion ?? 'TLSv1.2',
      redirectHttp: tls?.redirectHttp ?? false,
      ...(tls?.ciphers ? { ciphers: tls.ciphers } : {}),
    };
    state.certificates = certificates;
  }
  return state;
}

/** Sorted as the last time when the names come in the same order (an edit that renames nothing): no comparisons. */
function sortedByName(apis: ApiState[], memo: ApiStateMemo): ApiState[] {
  const last = memo.sorted;
  if (last && last.names.length === apis.length && apis.every((a, i) => a.name === last.names[i]))
    return last.order.map((i) => apis[i] as ApiState);
  const order = apis.map((_, i) => i).sort((a, b) => byName(apis[a] as ApiState, apis[b] as ApiState));
  memo.sorted = { names: apis.map((a) => a.name), order };
  return order.map((i) => apis[i] as ApiState);
}

/** The certificates the environment or one of its APIs references, as their own objects (like applications). */
function certificatesOf(set: ManifestSet, env: EnvironmentManifest, apis: readonly ApiState[]): CertificateState[] {
  if (!set.certificates?.length) return [];
  const wanted = new Set(env.spec.tls?.certificates ?? []);
  const deployed = new Set(apis.map((a) => a.name));
  for (const api of set.apis)
    if (deployed.has(api.name)) for (const name of api.spec.certificates ?? []) wanted.add(name);
  if (wanted.size === 0) return [];
  return (set.certificates ?? [])
    .filter((c) => wanted.has(c.name))
    .map((c) => ({
      name: c.name,
      ...labelsOf(c),
      hosts: [...c.spec.hosts].map((h) => h.toLowerCase()).sort(),
      certificate: absoluteFileReference(c.spec.certificate, c.source.file),
      key: absoluteFileReference(c.spec.key, c.source.file),
    }))
    .sort(byName);
}

function apiState(api: ApiManifest, env: EnvironmentManifest): ApiState {
  const effective = effectiveApi(api, env.name);
  const chain = assembleChain(env.spec.policies, effective.policies, env.spec.precedence).map(({ policy, origin }) =>
    instance(policy, origin, origin === 'environment' ? env.source.file : api.source.file),
  );
  return {
    name: api.name,
    ...labelsOf(api),
    version: api.spec.version,
    basePath: api.spec.basePath,
    upstream: effective.upstream,
    timeoutMs: effective.timeoutMs,
    ...(effective.upstreamTls ? { upstreamTls: upstreamTlsState(effective.upstreamTls, api.source.file) } : {}),
    ...recordsOf(api, env),
    chain,
    slaTiers: effective.slaTiers,
  };
}

/** An Api's share of access records: its own setting over the environment's; absent when it gets none (or no destination exists). */
function recordsOf(api: ApiManifest, env: EnvironmentManifest): Pick<ApiState, 'accessRecords'> {
  const environment = env.spec.accessRecords;
  if (!environment) return {};
  const own = api.spec.accessRecords;
  const enabled = own?.enabled ?? environment.enabled;
  const sampling = own?.sampling ?? environment.sampling;
  return enabled && sampling > 0 ? { accessRecords: { sampling } } : {};
}

function upstreamTlsState(tls: UpstreamTlsSpec, manifestFile: string): UpstreamTlsSpec {
  const out: UpstreamTlsSpec = { verify: tls.verify ?? true, minVersion: tls.minVersion ?? 'TLSv1.2' };
  if (tls.ca !== undefined) out.ca = absoluteFileReference(tls.ca, manifestFile);
  if (tls.serverName !== undefined) out.serverName = tls.serverName.toLowerCase();
  if (tls.clientCertificate !== undefined)
    out.clientCertificate = absoluteFileReference(tls.clientCertificate, manifestFile);
  if (tls.clientKey !== undefined) out.clientKey = absoluteFileReference(tls.clientKey, manifestFile);
  return out;
}

function instance(policy: PolicySpec, origin: 'environment' | 'api', manifestFile: string): PolicyInstance {
  let config = policy.config;
  if (policy.type === 'custom') {
    const dir = path.dirname(path.resolve(manifestFile));
    config = { ...config, module: path.resolve(dir, String(config.module)) };
    if (typeof config.schema === 'string') config.schema = path.resolve(dir, config.schema);
  }
  const out: PolicyInstance = { name: policy.name, type: policy.type, enabled: policy.enabled, origin, config };
  if (policy.rules) out.rules = policy.rules;
  return out;
}

/** The manifest's labels as the state keeps them (a copy, sorted by key); nothing when it has none. */
function labelsOf(manifest: { labels?: Readonly<Record<string, string>> }): { labels?: Record<string, string> } {
  if (!manifest.labels) return {};
  return {
    labels: Object.fromEntries(Object.entries(manifest.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
