import type { ClientCredentials, PolicyModule } from '../sdk/index.js';
import { checkCredentials, credentialsOf } from '../shared/credentials-checks.js';
import { create } from './runtime.js';
import { schema, type ClientIdEnforcementConfig } from './schema.js';

export type { ClientIdEnforcementConfig };
export type CredentialsConfig = ClientCredentials;

export const clientIdEnforcement: PolicyModule<'client-id-enforcement', ClientIdEnforcementConfig> = {
  type: 'client-id-enforcement',
  schema,
  summary:
    'Admits only applications with a contract for this API version, identified by client id (and secret); 401 with WWW-Authenticate otherwise.',
  precedence: 'standard',
  provides: ['client-id-required'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  clientCredentials: credentialsOf,
  check: checkCredentials,
  create,
};
