import type { ApplicationRuntime, Exchange } from '../../gateway/chain/types.js';
import { hashSecret, verifySecret } from '../../secrets/hash.js';
import type { CredentialsConfig } from '../client-id-enforcement/index.js';
import { compileCredentialsReader } from './credentials.js';
import { LOCAL_APPLICATION, LOCAL_CLIENT_ID } from './locals.js';

/** Why a request is rejected: 400 for ambiguous (repeated) credentials, 401 otherwise; the message never holds credentials. */
export interface ClientRejection {
  rejected: 400 | 401;
  message: string;
}

/** The identified application, or why the request is rejected. */
export type ClientIdentifier = (exchange: Exchange) => ApplicationRuntime | ClientRejection;

export function isRejection(identified: ApplicationRuntime | ClientRejection): identified is ClientRejection {
  return 'rejected' in identified;
}

const INVALID: ClientRejection = { rejected: 401, message: 'invalid client credentials, or no contract for this API version' };

// Compared against when the client id is unknown, so that an unknown id costs the same time as a wrong secret.
const DECOY = hashSecret('tollgate-decoy');

/**
 * Compiles client identification: read the credentials, find the application
 * among those holding a contract for this API version, check the secret in
 * constant time when one is required or presented.
 */
export function compileClientIdentifier(config: CredentialsConfig, applications: ReadonlyMap<string, ApplicationRuntime>): ClientIdentifier {
  const read = compileCredentialsReader(config);
  const missingId: ClientRejection = { rejected: 401, message: `client credentials required: ${describe(config, config.clientIdName, 'client id')}` };
  const missingSecret: ClientRejection = { rejected: 401, message: `client secret required: ${describe(config, config.clientSecretName, 'client secret')}` };
  const { secretRequired } = config;

  return (exchange) => {
    const { clientId, clientSecret, repeated } = read(exchange);
    if (repeated !== undefined) return { rejected: 400, message: repeated };
    if (clientId === undefined) return missingId;
    const application = applications.get(clientId);
    if (application === undefined) {
      if (clientSecret !== undefined) verifySecret(clientSecret, DECOY);
      return INVALID;
    }
    if (clientSecret === undefined) return secretRequired ? missingSecret : application;
    // A secret that is presented is checked even when optional: a wrong one is never let through.
    if (application.clientSecret === undefined) return secretRequired ? INVALID : application;
    return verifySecret(clientSecret, application.clientSecret) ? application : INVALID;
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
