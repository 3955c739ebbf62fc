import type { SecretValue } from '../manifest/types.js';
import { freezeDeep, isFrozenDeep } from '../model/immutable.js';
import type { ApiState, EnvironmentState } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';
import { withCertificates } from '../model/certificates.js';
import { referencedVariable } from './references.js';

/**
 * Resolved APIs by the frozen API they were resolved from, with the values
 * used: while both are unchanged, the resolved API is the same object again.
 */
export type ResolvedApiMemo = WeakMap<ApiState, { values: readonly string[]; state: ApiState }>;

/**
 * Resolves every ${env:NAME} of a state's credentials at apply time (the gateway
 * seals them). Missing variables are listed by name (never a value) and nothing
 * is resolved partially. An API without references is returned as it is.
 */
export function resolveStateSecrets(
  state: EnvironmentState,
  env: NodeJS.ProcessEnv = process.env,
  memo?: ResolvedApiMemo,
): { state?: EnvironmentState; missing: string[] } {
  const missing = new Set<string>();
  const valueOf = (name: string): string | undefined => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    missing.add(name);
    return undefined;
  };
  const resolve = <T extends SecretValue | undefined>(value: T): T => {
    const name = typeof value === 'string' ? referencedVariable(value) : undefined;
    return name === undefined ? value : ((valueOf(name) ?? value) as T);
  };
  const apis = state.apis.map((api) => {
    const names = referencedVariables(api);
    if (names.length === 0) return api;
    const values = names.map(valueOf);
    if (values.includes(undefined)) return api;
    const known = memo?.get(api);
    if (known && known.values.every((v, i) => v === values[i])) return known.state;
    const resolved = resolveApi(api, new Map(names.map((name, i) => [name, values[i] as string])));
    if (!memo || !isFrozenDeep(api)) return resolved;
    memo.set(api, { values: values as string[], state: freezeDeep(resolved) });
    return resolved;
  });
  const applications = state.applications.map((app) =>
    app.clientSecret === undefined ? app : { ...app, clientSecret: resolve(app.clientSecret) },
  );
  if (missing.size) return { missing: [...missing].sort() };
  // sharedStorage stays a reference: the gateway resolves it from its own environment and never persists the URL.
  return { state: withCertificates({ environment: state.environment, apis, applications }, state), missing: [] };
}

/** Variables an API's secret fields reference, in chain order (remembered for frozen APIs). */
const referencesOfApis = new WeakMap<ApiState, string[]>();

function referencedVariables(api: ApiState): string[] {
  let names = referencesOfApis.get(api);
  if (names) return names;
  names = [];
  for (const policy of api.chain) {
    for (const field of policyModule(policy.type).secretFields) {
      const value = policy.config[field];
      const name = typeof value === 'string' ? referencedVariable(value) : undefined;
      if (name !== undefined) names.push(name);
    }
  }
  if (isFrozenDeep(api)) referencesOfApis.set(api, names);
  return names;
}

/** The API with each reference of its secret fields replaced by the variable's value. */
function resolveApi(api: ApiState, values: ReadonlyMap<string, string>): ApiState {
  const chain = api.chain.map((policy) => {
    let config: Record<string, unknown> | undefined;
    for (const field of policyModule(policy.type).secretFields) {
      const value = policy.config[field];
      const name = typeof value === 'string' ? referencedVariable(value) : undefined;
      if (name !== undefined) (config ??= { ...policy.config })[field] = values.get(name);
    }
    return config ? { ...policy, config } : policy;
  });
  return { ...api, chain };
}
