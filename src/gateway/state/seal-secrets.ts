import { policyModule } from '../../policies/catalog.js';
import type { EnvironmentState } from '../../model/types.js';
import type { HashedSecret, SecretValue } from '../../manifest/types.js';
import { hashSecret, verifySecret } from '../../secrets/hash.js';
import { isSecretReference } from '../../secrets/references.js';

/**
 * Replaces every credential in a received state by its salted hash, so the
 * gateway never keeps (nor persists, nor returns) a password. A value equal to
 * what `previous` holds keeps its old hash, so re-applying does not churn.
 * Returns the paths of unresolved ${env:...} references, which are refused.
 */
export function sealSecrets(state: EnvironmentState, previous: EnvironmentState | undefined): { state: EnvironmentState; unresolved: string[] } {
  const unresolved: string[] = [];
  const seal = (value: SecretValue | undefined, before: unknown, path: string): SecretValue | undefined => {
    if (typeof value !== 'string') return value;
    if (isSecretReference(value)) {
      unresolved.push(path);
      return value;
    }
    if (isHashed(before) && verifySecret(value, before)) return before;
    return hashSecret(value);
  };
  const prevApis = new Map(previous?.apis.map((a) => [a.name, a]));
  const prevApps = new Map(previous?.applications.map((a) => [a.name, a]));
  const apis = state.apis.map((api, a) => ({
    ...api,
    chain: api.chain.map((policy, p) => {
      const fields = policyModule(policy.type).secretFields;
      if (fields.length === 0) return policy;
      const before = prevApis.get(api.name)?.chain.find((x) => x.name === policy.name && x.type === policy.type)?.config;
      const config = { ...policy.config };
      for (const field of fields) config[field] = seal(config[field] as SecretValue | undefined, before?.[field], `/apis/${a}/chain/${p}/config/${field}`);
      return { ...policy, config };
    }),
  }));
  const applications = state.applications.map((app, i) => {
    if (app.clientSecret === undefined) return app;
    const clientSecret = seal(app.clientSecret, prevApps.get(app.name)?.clientSecret, `/applications/${i}/clientSecret`) as SecretValue;
    return { ...app, clientSecret };
  });
  const environment = { ...state.environment };
  if (typeof environment.sharedStorage === 'string' && isSecretReference(environment.sharedStorage)) unresolved.push('/environment/sharedStorage');
  return { state: { environment, apis, applications }, unresolved };
}

export function isHashed(value: unknown): value is HashedSecret {
  return typeof value === 'object' && value !== null && typeof (value as HashedSecret).salt === 'string' && typeof (value as HashedSecret).sha256 === 'string';
}

/** What GET /state shows: credentials are already hashes; the shared-storage URL is reduced to a digest. */
export function publicState(state: EnvironmentState): EnvironmentState {
  if (typeof state.environment.sharedStorage !== 'string') return state;
  return { ...state, environment: { ...state.environment, sharedStorage: hashSecret(state.environment.sharedStorage, 'shared-storage') } };
}
