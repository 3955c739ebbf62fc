import type { ClientCredentials, PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type ClientIdEnforcementConfig } from './schema.js';

export type { ClientIdEnforcementConfig };
export type CredentialsConfig = ClientCredentials;

/** Where clients present credentials when no policy of the chain says: client_id and client_secret headers, the secret required. */
export const DEFAULT_CLIENT_CREDENTIALS: Readonly<CredentialsConfig> = Object.freeze({ credentialsOrigin: 'headers', clientIdName: 'client_id', clientSecretName: 'client_secret', secretRequired: true });

export function credentialsOf(config: CredentialsConfig): CredentialsConfig {
  return { credentialsOrigin: config.credentialsOrigin, clientIdName: config.clientIdName, clientSecretName: config.clientSecretName, secretRequired: config.secretRequired };
}

export const clientIdEnforcement: PolicyModule<'client-id-enforcement', ClientIdEnforcementConfig> = {
  type: 'client-id-enforcement',
  schema,
  summary: 'Admits only applications with a contract for this API version, identified by client id (and secret).',
  precedence: 'standard',
  provides: ['client-id-required'],
  requires: [],
  secretFields: [],
  unordered: [],
  clientCredentials: credentialsOf,
  create,
};
