import path from 'node:path';
import type { ApiManifest, EnvironmentManifest, ManifestSet, PolicySpec } from '../manifest/types.js';
import { assembleChain } from '../precedence/assemble.js';
import { effectiveApi } from './effective-api.js';
import { freezeDeep } from './immutable.js';
import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from './types.js';

/**
 * API states by the manifests they were built from. An API state is a pure
 * function of its Api manifest and its Environment manifest: while both are
 * the same objects (unchanged files, see ManifestFileCache), so is the state.
 */
export type ApiStateMemo = WeakMap<ApiManifest, { env: EnvironmentManifest; state: ApiState }>;

/**
 * The desired state of one environment, from validated manifests: overrides
 * applied, chains assembled, custom module paths made absolute, sorted by name.
 */
export function environmentState(set: ManifestSet, envName: string, memo?: ApiStateMemo): EnvironmentState {
  const env = set.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`environment ${envName} is not defined`);
  const apis = set.apis
    .filter((a) => a.spec.environments.includes(envName))
    .map((api) => {
      if (!memo) return apiState(api, env);
      const known = memo.get(api);
      if (known?.env === env) return known.state;
      // Frozen: it is shared with the next revisions and keys their caches.
      const state = freezeDeep(apiState(api, env));
      memo.set(api, { env, state });
      return state;
    })
    .sort(byName);
  const deployed = new Map(apis.map((a) => [a.name, a.version]));
  const applications: ApplicationState[] = set.applications
    .map((app) => {
      const contracts = app.spec.contracts
        .filter((c) => deployed.get(c.api) === c.version && (!c.environments || c.environments.includes(envName)))
        .map((c) => (c.tier === undefined ? { api: c.api, version: c.version } : { api: c.api, version: c.version, tier: c.tier }))
        .sort((a, b) => a.api.localeCompare(b.api));
      const state: ApplicationState = { name: app.name, clientId: app.spec.clientId, contracts };
      if (app.spec.clientSecret !== undefined) state.clientSecret = app.spec.clientSecret;
      return state;
    })
    .filter((app) => app.contracts.length > 0)
    .sort(byName);
  const settings: EnvironmentState['environment'] = { name: env.name, precedence: env.spec.precedence, gatekeeper: env.spec.gatekeeper };
  if (env.spec.sharedStorage !== undefined) settings.sharedStorage = env.spec.sharedStorage;
  if (env.spec.requestPaths?.escapedSlashes === 'keep') settings.requestPaths = { escapedSlashes: 'keep' };
  return { environment: settings, apis, applications };
}

function apiState(api: ApiManifest, env: EnvironmentManifest): ApiState {
  const effective = effectiveApi(api, env.name);
  const chain = assembleChain(env.spec.policies, effective.policies, env.spec.precedence).map(({ policy, origin }) =>
    instance(policy, origin, origin === 'environment' ? env.source.file : api.source.file),
  );
  return {
    name: api.name,
    version: api.spec.version,
    basePath: api.spec.basePath,
    upstream: effective.upstream,
    timeoutMs: effective.timeoutMs,
    chain,
    slaTiers: effective.slaTiers,
  };
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

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
