import type { ApplicationRuntime, Exchange, Reply } from '../sdk/index.js';
import { sealSecret } from '../../secrets/sealed.js';
import { BUSY, VerifiedCredentials, presentedKey, verifyPresented } from '../../secrets/verification.js';
import type { ClientCredentials } from '../sdk/index.js';
import { compileCredentialsReader, credentialSources } from './credentials.js';
import { LOCAL_APPLICATION, LOCAL_CLAIMED_CLIENT_ID, LOCAL_CLIENT_ID } from './locals.js';
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
 * the config reads one (each distinct pair once, then remembered under a keyed
 * hash of it). A 401 carries the reference's challenge: `Client-ID-Enforcement`
 * for credentials read by expressions, `Basic realm="tollgate"` for an
 * Authorization: Basic header.
 */
export function compileClientIdentifier(
  config: ClientCredentials,
  applications: ReadonlyMap<string, ApplicationRuntime>,
  basePath = '/',
): ClientIdentifier {
  const read = compileCredentialsReader(config, basePath);
  const sources = credentialSources(config);
  const missingId = `client credentials required: send the client id in ${sources.clientId}`;
  const missingSecret = `client secret required: send it in ${sources.clientSecret ?? 'the request'}`;
  // The secret is required when the config says where it is: an empty clientSecretExpression makes it optional.
  const secretRequired = sources.clientSecret !== undefined;
  const challenge =
    config.credentialsOriginHasHttpBasicAuthenticationHeader === 'httpBasicAuthenticationHeader'
      ? BASIC_CHALLENGE
      : CLIENT_ID_CHALLENGE;
  const verified = new VerifiedCredentials<ApplicationRuntime>();
  const reject = (message: string): Reply => jsonError(401, message, { 'www-authenticate': challenge });

  return (exchange) => {
    if (exchange.proven) return provenIdentification(exchange, applications, secretRequired, reject, missingId);
    const { clientId, clientSecret, repeated } = read(exchange);
    if (repeated !== undefined) return jsonError(400, repeated);
    if (clientId === undefined) return reject(missingId);
    // Recorded as claimed until proven (the access record tells a verified client from a claim).
    exchange.locals[LOCAL_CLAIMED_CLIENT_ID] = clientId;
    const application = applications.get(clientId);
    if (clientSecret === undefined) {
      if (application === undefined) return reject(INVALID);
      return secretRequired ? reject(missingSecret) : application;
    }
    // An application registered without a secret cannot prove one.
    if (application !== undefined && application.clientSecret === undefined) return reject(INVALID);
    const key = presentedKey(clientId, clientSecret);
    const verdict = verified.lookup(key);
    if (verdict !== undefined) return verdict === false ? reject(INVALID) : verdict;
    const stored = application?.clientSecret;
    const check = stored
      ? verifyPresented(clientSecret, stored)
      : (decoy ??= sealSecret('tollgate-decoy', 'decoy', 'decoy'))
          .then((d) => verifyPresented(clientSecret, d))
          .then(() => false as const);
    return check.then((ok) => {
      if (ok === BUSY) return jsonError(503, 'too many credentials are being verified; retry', { 'retry-after': '1' });
      verified.remember(key, ok && application ? application : false);
      return ok && application ? application : reject(INVALID);
    });
  };
}

/**
 * Replay: the client the recorded request proved to be is identified again
 * without its secret; a client it only claimed is refused where a secret is
 * required (a claim refused before its check replays as refused: records hold
 * no credentials to check).
 */
function provenIdentification(
  exchange: Exchange,
  applications: ReadonlyMap<string, ApplicationRuntime>,
  secretRequired: boolean,
  reject: (message: string) => Reply,
  missingId: string,
): Identification {
  const client = exchange.proven?.client;
  if (client === undefined) return reject(missingId);
  exchange.locals[LOCAL_CLAIMED_CLIENT_ID] = client.id;
  const application = applications.get(client.id);
  if (application === undefined || (!client.verified && secretRequired)) return reject(INVALID);
  return application;
}

/** The reference's challenges of a 401 for client credentials. */
const CLIENT_ID_CHALLENGE = 'Client-ID-Enforcement';
const BASIC_CHALLENGE = 'Basic realm="tollgate"';

/** Records the identified client for later policies of the chain. */
export function rememberClient(exchange: Exchange, application: ApplicationRuntime): void {
  exchange.locals[LOCAL_CLIENT_ID] = application.clientId;
  exchange.locals[LOCAL_APPLICATION] = application;
}

/**
 * The client an earlier policy of the chain identified, looked up among these
 * applications (by id: each policy's context may hold its own copies).
 */
export function rememberedClient(
  exchange: Exchange,
  applications: ReadonlyMap<string, ApplicationRuntime>,
): ApplicationRuntime | undefined {
  const clientId = exchange.locals[LOCAL_CLIENT_ID];
  return typeof clientId === 'string' ? applications.get(clientId) : undefined;
}
