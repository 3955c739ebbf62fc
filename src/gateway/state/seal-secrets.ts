import type { SecretValue } from '../../manifest/types.js';
import type { ApiState, ApplicationState, EnvironmentState } from '../../model/types.js';
import { policyModule } from '../../policies/catalog.js';
import { isSecretReference } from '../../secrets/references.js';
import { isSealed, sealSecret, secretCheck, secretLocation } from '../../secrets/sealed.js';
import { mapBounded } from '../../util/bounded.js';
import { withCertificates } from '../../model/certificates.js';

export interface SealOptions {
  /** The node's check key (secretCheckKey of its admin token). */
  key: string;
  /** The state serving now: a value whose check matches the secret stored there keeps that secret (no new scrypt, same state). */
  live?: EnvironmentState;
}

export interface SealResult {
  state: EnvironmentState;
  /** Paths of ${env:...} references the control plane did not resolve: refused. */
  unresolved: string[];
  /** Paths of secrets that may not be sent as they are (e.g. a password in the sharedStorage URL), with why. */
  refused: { path: string; message: string }[];
}

/** scrypt runs on libuv's pool (4 threads): leave room for file and DNS work. */
const CONCURRENT_SEALS = 2;

/**
 * Replaces every credential in a received state by what the gateway stores
 * (secrets/sealed.ts): it never keeps, persists or returns a value. APIs and
 * applications in `alreadySealed` were sealed when first applied and are kept as they are.
 */
export async function sealSecrets(
  state: EnvironmentState,
  alreadySealed: ReadonlySet<object> | undefined,
  options: SealOptions,
): Promise<SealResult> {
  const unresolved: string[] = [];
  const refused: SealResult['refused'] = [];
  const env = state.environment.name;
  const liveApis = new Map(options.live?.apis.map((a) => [a.name, a]));
  const liveApps = new Map(options.live?.applications.map((a) => [a.name, a]));
  // Only what was not sealed before goes through the (asynchronous) sealing.
  const apis = [...state.apis];
  const unsealed = apis.flatMap((api, a) => (alreadySealed?.has(api) ? [] : [a]));
  await mapBounded(unsealed, CONCURRENT_SEALS, async (a) => {
    apis[a] = await sealApi(apis[a] as ApiState, env, options.key, liveApis.get((apis[a] as ApiState).name), (path) =>
      unresolved.push(`/apis/${a}${path}`),
    );
  });
  const applications = await mapBounded(
    state.applications,
    CONCURRENT_SEALS,
    async (app, i): Promise<ApplicationState> => {
      if (app.clientSecret === undefined || alreadySealed?.has(app)) return app;
      const location = secretLocation(env, 'application', app.name, 'clientSecret');
      const sealed = await sealValue(
        app.clientSecret,
        location,
        options.key,
        liveApps.get(app.name)?.clientSecret,
        () => unresolved.push(`/applications/${i}/clientSecret`),
      );
      return { ...app, clientSecret: sealed as SecretValue };
    },
  );
  const storage = state.environment.sharedStorage;
  if (typeof storage === 'string' && !isSecretReference(storage) && hasPassword(storage)) {
    refused.push({
      path: '/environment/sharedStorage',
      message:
        "the sharedStorage URL holds a password: send it as a ${env:NAME} reference, set in the gateway's environment, so that no password is persisted",
    });
  }
  return {
    state: withCertificates({ environment: state.environment, apis, applications }, state),
    unresolved,
    refused,
  };
}

async function sealApi(
  api: ApiState,
  environment: string,
  key: string,
  live: ApiState | undefined,
  onUnresolved: (pathInApi: string) => void,
): Promise<ApiState> {
  if (!api.chain.some((policy) => policyModule(policy.type).secretFields.length > 0)) return api;
  const livePolicies = new Map(live?.chain.map((p) => [p.name, p]));
  const chain = [];
  for (const [p, policy] of api.chain.entries()) {
    const fields = policyModule(policy.type).secretFields;
    if (fields.length === 0) {
      chain.push(policy);
      continue;
    }
    const config = { ...policy.config };
    const before = livePolicies.get(policy.name);
    for (const field of fields) {
      const location = secretLocation(environment, 'api', api.name, policy.name, field);
      const stored = before?.type === policy.type ? (before.config[field] as SecretValue | undefined) : undefined;
      config[field] = await sealValue(config[field] as SecretValue | undefined, location, key, stored, () =>
        onUnresolved(`/chain/${p}/config/${field}`),
      );
    }
    chain.push({ ...policy, config });
  }
  return { ...api, chain };
}

async function sealValue(
  value: SecretValue | undefined,
  location: string,
  key: string,
  stored: SecretValue | undefined,
  onUnresolved: () => void,
): Promise<SecretValue | undefined> {
  if (typeof value !== 'string') return value;
  if (isSecretReference(value)) {
    onUnresolved();
    return value;
  }
  if (isSealed(stored) && stored.check === secretCheck(key, location, value)) return stored;
  return sealSecret(value, location, key);
}

function hasPassword(url: string): boolean {
  try {
    return new URL(url).password !== '';
  } catch {
    return false;
  }
}
