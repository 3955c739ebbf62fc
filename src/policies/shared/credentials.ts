import type { Exchange } from '../sdk/index.js';
import type { CredentialsConfig } from '../client-id-enforcement/index.js';
import { parseBasicAuthorization } from './basic-authorization.js';
import { firstHeader } from './headers.js';
import { queryParamOnce } from './query.js';
import { isRepeatedHeader } from './repeated-headers.js';

export interface PresentedCredentials {
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** Set when a credential came more than once: which one, as a message safe to send (it names fields, never values). */
  repeated?: string;
}

export type CredentialsReader = (exchange: Exchange) => PresentedCredentials;

/**
 * Compiles where client credentials are read from (headers, query parameters
 * or a Basic header). A credential sent twice is reported, not picked from:
 * the gateway would check one and the upstream might read the other.
 */
export function compileCredentialsReader(config: CredentialsConfig): CredentialsReader {
  switch (config.credentialsOrigin) {
    case 'headers': {
      const idHeader = config.clientIdName.toLowerCase();
      const secretHeader = config.clientSecretName.toLowerCase();
      const repeatedId = repeatedMessage(`the ${config.clientIdName} header`);
      const repeatedSecret = repeatedMessage(`the ${config.clientSecretName} header`);
      return (exchange) => {
        const headers = exchange.requestHeaders;
        const credentials: PresentedCredentials = { clientId: nonEmpty(firstHeader(headers, idHeader)), clientSecret: nonEmpty(firstHeader(headers, secretHeader)) };
        if (isRepeatedHeader(exchange, idHeader)) credentials.repeated = repeatedId;
        else if (isRepeatedHeader(exchange, secretHeader)) credentials.repeated = repeatedSecret;
        return credentials;
      };
    }
    case 'query': {
      const idParam = config.clientIdName;
      const secretParam = config.clientSecretName;
      const repeatedId = repeatedMessage(`the ${idParam} query parameter`);
      const repeatedSecret = repeatedMessage(`the ${secretParam} query parameter`);
      return (exchange) => {
        const id = queryParamOnce(exchange.search, idParam);
        const secret = queryParamOnce(exchange.search, secretParam);
        const credentials: PresentedCredentials = { clientId: nonEmpty(id.value), clientSecret: nonEmpty(secret.value) };
        if (id.repeated) credentials.repeated = repeatedId;
        else if (secret.repeated) credentials.repeated = repeatedSecret;
        return credentials;
      };
    }
    case 'basic':
      return (exchange) => {
        const basic = parseBasicAuthorization(firstHeader(exchange.requestHeaders, 'authorization'));
        const credentials: PresentedCredentials = { clientId: nonEmpty(basic?.user), clientSecret: nonEmpty(basic?.password) };
        if (isRepeatedHeader(exchange, 'authorization')) credentials.repeated = REPEATED_AUTHORIZATION;
        return credentials;
      };
  }
}

/** The answer to a second Authorization header, for every policy that reads one. */
export const REPEATED_AUTHORIZATION = 'more than one Authorization header: send the credentials once';

function repeatedMessage(what: string): string {
  return `${what} is sent more than once: send each credential once`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
