import path from 'node:path';
import type { ManifestSet, PolicySpec } from '../manifest/types.js';
import { assembleChain } from '../precedence/assemble.js';
import { effectiveApi } from './effective-api.js';
import type { ApplicationState, EnvironmentState, PolicyInstance } from './types.js';

/**
 * The desired state of one environment, from validated manifests: overrides
 * applied, chains assembled, custom module paths made absolute, sorted by name.
 */
export function environmentState(set: ManifestSet, envName: string): EnvironmentState {
  const env = set.environments.find((e) => e.name === envName);
  if (!env) throw new Error(`environment ${envName} is not defined`);
  const apis = set.apis
    .filter((a) => a.spec.environments.includes(envName))
    .map((api) => {
      const effective = effectiveApi(api, envName);
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
  return { environment: settings, apis, applications };
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
