import { createHash } from 'node:crypto';
import { policyModule } from '../../policies/catalog.js';
import type { ApiState, EnvironmentState } from '../../model/types.js';
import type { HashedSecret, SecretValue } from '../../manifest/types.js';
import { hashSecret } from '../../secrets/hash.js';
import { isSecretReference } from '../../secrets/references.js';

/**
 * Replaces every credential in a received state by its salted hash, so the
 * gateway never keeps (nor persists, nor returns) a password. The salt is
 * derived from where the secret stands (environment, api, policy, field): every
 * node of an environment stores the same hash for the same value, so plans and
 * dumps compare them across nodes, while equal passwords in two places differ.
 * APIs and applications in `known` were sealed when first applied and are kept as they are.
 * Returns the paths of unresolved ${env:...} references, which are refused.
 */
export function sealSecrets(state: EnvironmentState, known?: ReadonlySet<object>): { state: EnvironmentState; unresolved: string[] } {
  const unresolved: string[] = [];
  const env = state.environment.name;
  const apis = state.apis.map((api, a) => (known?.has(api) ? api : sealApi(api, env, (path) => unresolved.push(`/apis/${a}${path}`))));
  const applications = state.applications.map((app, i) => {
    if (app.clientSecret === undefined || known?.has(app)) return app;
    const sealed = sealValue(app.clientSecret, env, `application/${app.name}/clientSecret`, () => unresolved.push(`/applications/${i}/clientSecret`));
    return { ...app, clientSecret: sealed as SecretValue };
  });
  const environment = { ...state.environment };
  if (typeof environment.sharedStorage === 'string' && isSecretReference(environment.sharedStorage)) unresolved.push('/environment/sharedStorage');
  return { state: { environment, apis, applications }, unresolved };
}

/** One API sealed for `environment`; an API holding no secret is returned as it is. */
export function sealApi(api: ApiState, environment: string, onUnresolved?: (pathInApi: string) => void): ApiState {
  if (!api.chain.some((policy) => policyModule(policy.type).secretFields.length > 0)) return api;
  return {
    ...api,
    chain: api.chain.map((policy, p) => {
      const fields = policyModule(policy.type).secretFields;
      if (fields.length === 0) return policy;
      const config = { ...policy.config };
      for (const field of fields) {
        config[field] = sealValue(config[field] as SecretValue | undefined, environment, `api/${api.name}/${policy.name}/${field}`, () => onUnresolved?.(`/chain/${p}/config/${field}`));
      }
      return { ...policy, config };
    }),
  };
}

function sealValue(value: SecretValue | undefined, environment: string, location: string, onUnresolved: () => void): SecretValue | undefined {
  if (typeof value !== 'string') return value;
  if (isSecretReference(value)) {
    onUnresolved();
    return value;
  }
  return hashSecret(value, locationSalt(environment, location));
}

function locationSalt(environment: string, location: string): string {
  return createHash('sha256').update(`tollgate-salt\0${environment}\0${location}`).digest('hex').slice(0, 32);
}

export function isHashed(value: unknown): value is HashedSecret {
  return typeof value === 'object' && value !== null && typeof (value as HashedSecret).salt === 'string' && typeof (value as HashedSecret).sha256 === 'string';
}

/** What GET /state shows: credentials are already hashes; the shared-storage URL is reduced to a digest. */
export function publicState(state: EnvironmentState): EnvironmentState {
  if (typeof state.environment.sharedStorage !== 'string') return state;
  return { ...state, environment: { ...state.environment, sharedStorage: hashSecret(state.environment.sharedStorage, 'shared-storage') } };
}
