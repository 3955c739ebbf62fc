import type { SecretValue } from '../manifest/types.js';
import type { EnvironmentState } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';
import { referencedVariable } from './references.js';

/**
 * Resolves every ${env:NAME} of a state at apply time. Missing variables are
 * listed by name (never a value) and nothing is resolved partially.
 */
export function resolveStateSecrets(state: EnvironmentState, env: NodeJS.ProcessEnv = process.env): { state?: EnvironmentState; missing: string[] } {
  const missing = new Set<string>();
  const resolve = <T extends SecretValue | undefined>(value: T): T => {
    if (typeof value !== 'string') return value;
    const name = referencedVariable(value);
    if (name === undefined) return value;
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      missing.add(name);
      return value;
    }
    return resolved as T;
  };
  const apis = state.apis.map((api) => ({
    ...api,
    chain: api.chain.map((policy) => {
      const fields = policyModule(policy.type).secretFields;
      if (fields.length === 0) return policy;
      const config = { ...policy.config };
      for (const field of fields) config[field] = resolve(config[field] as SecretValue | undefined);
      return { ...policy, config };
    }),
  }));
  const applications = state.applications.map((app) => (app.clientSecret === undefined ? app : { ...app, clientSecret: resolve(app.clientSecret) }));
  const environment = { ...state.environment };
  if (environment.sharedStorage !== undefined) environment.sharedStorage = resolve(environment.sharedStorage);
  if (missing.size) return { missing: [...missing].sort() };
  return { state: { environment, apis, applications }, missing: [] };
}
