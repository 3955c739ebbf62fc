import { compileStringExpression } from '../expressions/index.js';
import type { ClientCredentials, Exchange } from '../sdk/index.js';
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

/** Where a credentials config reads from, for messages: "the client_id header", "the key query parameter", "an Authorization: Basic header". */
export interface CredentialSources {
  clientId: string;
  clientSecret: string | undefined;
}

/**
 * Compiles where client credentials are read from (an Authorization: Basic
 * header, or the client id and secret expressions). A credential sent twice —
 * a header or query parameter an expression reads, or the Authorization header
 * — is reported, not picked from: the gateway would check one and the
 * upstream might read the other.
 */
export function compileCredentialsReader(config: ClientCredentials, basePath = '/'): CredentialsReader {
  const read = compilePresentedReader(config, basePath);
  // Replayed traffic names the client it proved, never its credentials.
  return (exchange) =>
    exchange.proven ? { clientId: exchange.proven.client?.id, clientSecret: undefined } : read(exchange);
}

function compilePresentedReader(config: ClientCredentials, basePath: string): CredentialsReader {
  if (config.credentialsOriginHasHttpBasicAuthenticationHeader === 'httpBasicAuthenticationHeader') {
    return (exchange) => {
      const basic = parseBasicAuthorization(firstHeader(exchange.requestHeaders, 'authorization'));
      const credentials: PresentedCredentials = {
        clientId: nonEmpty(basic?.user),
        clientSecret: nonEmpty(basic?.password),
      };
      if (isRepeatedHeader(exchange, 'authorization')) credentials.repeated = REPEATED_AUTHORIZATION;
      return credentials;
    };
  }
  const scope = { basePath };
  const id = compileStringExpression(config.clientIdExpression, scope);
  const secret =
    config.clientSecretExpression === '' ? undefined : compileStringExpression(config.clientSecretExpression, scope);
  const headers = [...new Set([...id.headers, ...(secret?.headers ?? [])])].map((name) => ({
    name,
    message: repeatedMessage(`the ${name} header`),
  }));
  const params = [...new Set([...id.queryParams, ...(secret?.queryParams ?? [])])].map((name) => ({
    name,
    message: repeatedMessage(`the ${name} query parameter`),
  }));
  return (exchange) => {
    const credentials: PresentedCredentials = {
      clientId: nonEmpty(id.evaluate(exchange) ?? undefined),
      clientSecret: secret === undefined ? undefined : nonEmpty(secret.evaluate(exchange) ?? undefined),
    };
    for (const header of headers) {
      if (isRepeatedHeader(exchange, header.name)) {
        credentials.repeated = header.message;
        return credentials;
      }
    }
    for (const param of params) {
      if (queryParamOnce(exchange.search, param.name).repeated) {
        credentials.repeated = param.message;
        return credentials;
      }
    }
    return credentials;
  };
}

/** How a config's credentials are sent, for the messages of a 401. */
export function credentialSources(config: ClientCredentials): CredentialSources {
  if (config.credentialsOriginHasHttpBasicAuthenticationHeader === 'httpBasicAuthenticationHeader')
    return { clientId: 'an Authorization: Basic header', clientSecret: 'an Authorization: Basic header' };
  return {
    clientId: describeSource(config.clientIdExpression),
    clientSecret: config.clientSecretExpression === '' ? undefined : describeSource(config.clientSecretExpression),
  };
}

function describeSource(expression: string): string {
  const { headers, queryParams } = compileStringExpression(expression, { basePath: '/' });
  if (headers.length === 1 && queryParams.length === 0) return `the ${headers[0] as string} header`;
  if (queryParams.length === 1 && headers.length === 0) return `the ${queryParams[0] as string} query parameter`;
  return `what ${expression} reads`;
}

/** The answer to a second Authorization header, for every policy that reads one. */
export const REPEATED_AUTHORIZATION = 'more than one Authorization header: send the credentials once';

function repeatedMessage(what: string): string {
  return `${what} is sent more than once: send each credential once`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
