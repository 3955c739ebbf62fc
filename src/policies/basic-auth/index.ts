import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type BasicAuthConfig } from './schema.js';

export type { BasicAuthConfig };

export const basicAuth: PolicyModule<'basic-auth', BasicAuthConfig> = {
  type: 'basic-auth',
  schema,
  summary: 'HTTP Basic authentication against one username and password; 401 with WWW-Authenticate otherwise.',
  precedence: 'standard',
  provides: ['requires-authentication'],
  requires: [],
  secretFields: ['password'],
  orderInsensitiveArrays: [],
  create,
};
