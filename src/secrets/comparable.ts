import type { SecretValue } from '../manifest/types.js';
import type { ApiState, ApplicationState, EnvironmentState } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';
import { isSecretReference } from './references.js';
import { withCertificates } from '../model/certificates.js';
import { comparableSecret, secretCheck, secretLocation } from './sealed.js';

/**
 * A state with every secret in the form plans and fingerprints compare: a
 * plain value as its keyed check (with the node's key), a stored secret as its
 * check when it has one. A desired state and a gateway's state holding the same
 * values are then equal, without scrypt and without the values. APIs and
 * applications without secrets are the very same objects (identity still tells
 * "unchanged"); converted ones are remembered per object and key.
 */
export function comparableState(state: EnvironmentState, key: string | undefined): EnvironmentState {
  const environment = state.environment.name;
  return withCertificates(
    {
      environment: state.environment,
      apis: state.apis.map((api) => comparableApi(api, environment, key)),
      applications: state.applications.map((app) => comparableApplication(app, environment, key)),
    },
    state,
  );
}

const converted = new WeakMap<object, { key: string | undefined; environment: string; value: object }>();

/** APIs found to hold no secret field: planned as they are (a 5,000-API plan asks for each on every save). */
const withoutSecretFields = new WeakSet<ApiState>();

export function comparableApi(api: ApiState, environment: string, key: string | undefined): ApiState {
  if (withoutSecretFields.has(api)) return api;
  // Recalled before the chain is scanned: an API holding secrets is found without looking at its policies.
  const known = recall(api, environment, key);
  if (known) return known;
  if (!api.chain.some((policy) => policyModule(policy.type).secretFields.length > 0)) {
    if (Object.isFrozen(api)) withoutSecretFields.add(api);
    return api;
  }
  return remember(api, environment, key, {
    ...api,
    chain: api.chain.map((policy) => {
      const fields = policyModule(policy.type).secretFields;
      if (fields.length === 0) return policy;
      const config = { ...policy.config };
      for (const field of fields)
        config[field] = comparable(
          config[field] as SecretValue | undefined,
          secretLocation(environment, 'api', api.name, policy.name, field),
          key,
        );
      return { ...policy, config };
    }),
  });
}

function comparableApplication(app: ApplicationState, environment: string, key: string | undefined): ApplicationState {
  if (app.clientSecret === undefined) return app;
  return (
    recall(app, environment, key) ??
    remember(app, environment, key, {
      ...app,
      clientSecret: comparable(
        app.clientSecret,
        secretLocation(environment, 'application', app.name, 'clientSecret'),
        key,
      ) as SecretValue,
    })
  );
}

function recall<T extends object>(original: T, environment: string, key: string | undefined): T | undefined {
  const known = converted.get(original);
  return known && known.key === key && known.environment === environment ? (known.value as T) : undefined;
}

function remember<T extends object>(original: T, environment: string, key: string | undefined, value: T): T {
  converted.set(original, { key, environment, value });
  return value;
}

function comparable(
  value: SecretValue | undefined,
  location: string,
  key: string | undefined,
): SecretValue | { check: string } | undefined {
  // A reference stays a reference: it is compared as written (offline checks of manifests against manifests).
  if (typeof value === 'string')
    return key === undefined || isSecretReference(value) ? value : { check: secretCheck(key, location, value) };
  return comparableSecret(value);
}
