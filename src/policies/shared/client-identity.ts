import type { ApplicationRuntime, Exchange, Reply } from '../sdk/index.js';
import { sealSecret } from '../../secrets/sealed.js';
import { BUSY, VerifiedCredentials, presentedKey, verifyPresented } from '../../secrets/verification.js';
import type { CredentialsConfig } from '../client-id-enforcement/index.js';
import { compileCredentialsReader } from './credentials.js';
import { LOCAL_APPLICATION, LOCAL_CLIENT_ID } from './locals.js';
import { jsonError } from './replies.js';

/**
 * The identified application, or the answer to the request: 400 for ambiguous
 * (repeated) credentials, 401 otherwise (messages never hold credentials), 503
 * while too many credentials are being verified.
 */
export type Identification = ApplicationRuntime | Reply;
export type ClientIdentifier = (exchange: Exchange) => Identification | Promise<Identification>;

const INVALID = 'invalid client credentials, or no contract for this API version';

/** Checked against when the client id is unknown, so that an unknown id costs the same time as a wrong secret. */
let decoy: ReturnType<typeof sealSecret> | undefined;

export function isApplication(identified: Identification): identified is ApplicationRuntime {
  return 'clientId' in identified;
}

/**
 * Compiles client identification: read the credentials, find the application
 * among those holding a contract for this API version, check the secret when
 * one is required or presented (each distinct pair once, then remembered
 * under a keyed hash of it).
 */
export function compileClientIdentifier(config: CredentialsConfig, applications: ReadonlyMap<string, ApplicationRuntime>): ClientIdentifier {
  const read = compileCredentialsReader(config);
  const missingId = `client credentials required: ${describe(config, config.clientIdName, 'client id')}`;
  const missingSecret = `client secret required: ${describe(config, config.clientSecretName, 'client secret')}`;
  const { secretRequired } = config;
  const verified = new VerifiedCredentials<ApplicationRuntime>();
  const reject = (message: string): Reply => jsonError(401, message);

  return (exchange) => {
    const { clientId, clientSecret, repeated } = read(exchange);
    if (repeated !== undefined) return jsonError(400, repeated);
    if (clientId === undefined) return reject(missingId);
    const application = applications.get(clientId);
    if (clientSecret === undefined) {
      if (application === undefined) return reject(INVALID);
      return secretRequired ? reject(missingSecret) : application;
    }
    // A secret that is presented is checked even when optional: a wrong one is never let through.
    if (application !== undefined && application.clientSecret === undefined) return secretRequired ? reject(INVALID) : application;
    const key = presentedKey(clientId, clientSecret);
    const known = verified.lookup(key);
    if (known !== undefined) return known === false ? reject(INVALID) : known;
    const stored = application?.clientSecret;
    const check = stored ? verifyPresented(clientSecret, stored) : (decoy ??= sealSecret('tollgate-decoy', 'decoy', 'decoy')).then((d) => verifyPresented(clientSecret, d)).then(() => false as const);
    return check.then((ok) => {
      if (ok === BUSY) return jsonError(503, 'too many credentials are being verified; retry', { 'retry-after': '1' });
      verified.remember(key, ok && application ? application : false);
      return ok && application ? application : reject(INVALID);
    });
  };
}

/** Records the identified client for later policies of the chain. */
export function rememberClient(exchange: Exchange, application: ApplicationRuntime): void {
  exchange.locals[LOCAL_CLIENT_ID] = application.clientId;
  exchange.locals[LOCAL_APPLICATION] = application;
}

/**
 * The client an earlier policy of the chain identified, looked up among these
 * applications (by id: each policy's context may hold its own copies).
 */
export function rememberedClient(exchange: Exchange, applications: ReadonlyMap<string, ApplicationRuntime>): ApplicationRuntime | undefined {
  const clientId = exchange.locals[LOCAL_CLIENT_ID];
  return typeof clientId === 'string' ? applications.get(clientId) : undefined;
}

function describe(config: CredentialsConfig, name: string, what: string): string {
  switch (config.credentialsOrigin) {
    case 'headers':
      return `send the ${what} in the ${name} header`;
    case 'query':
      return `send the ${what} in the ${name} query parameter`;
    case 'basic':
      return `send the ${what} in an Authorization: Basic header`;
  }
}
