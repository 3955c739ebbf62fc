import type { ClientCredentials, ConfigProblem } from '../sdk/index.js';
import { checkExpression } from './expression-checks.js';

/** The credential expressions of a client-identifying policy are valid (only read in customExpression mode). */
export function checkCredentials(config: ClientCredentials): ConfigProblem[] {
  if (config.credentialsOriginHasHttpBasicAuthenticationHeader === 'httpBasicAuthenticationHeader') return [];
  return [
    ...checkExpression(config.clientIdExpression, ['clientIdExpression'], 'string'),
    ...(config.clientSecretExpression === ''
      ? []
      : checkExpression(config.clientSecretExpression, ['clientSecretExpression'], 'string')),
  ];
}

/** The credential fields of a config (for ctx.clientCredentials). */
export function credentialsOf(config: ClientCredentials): ClientCredentials {
  return {
    credentialsOriginHasHttpBasicAuthenticationHeader: config.credentialsOriginHasHttpBasicAuthenticationHeader,
    clientIdExpression: config.clientIdExpression,
    clientSecretExpression: config.clientSecretExpression,
  };
}

/** Where clients present credentials when no policy of the chain says: client_id and client_secret headers. */
export const DEFAULT_CLIENT_CREDENTIALS: Readonly<ClientCredentials> = Object.freeze({
  credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
  clientIdExpression: "#[attributes.headers['client_id']]",
  clientSecretExpression: "#[attributes.headers['client_secret']]",
});
