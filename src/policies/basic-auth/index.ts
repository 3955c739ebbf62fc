import type { SecretValue } from '../../manifest/types.js';
import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface BasicAuthConfig {
  username: string;
  password: SecretValue;
  realm: string;
}

export const basicAuth: PolicyModule<BasicAuthConfig> = {
  type: 'basic-auth',
  summary: 'HTTP Basic authentication against one username and password; 401 with WWW-Authenticate otherwise.',
  precedence: 'standard',
  provides: ['requires-authentication'],
  requires: [],
  secretFields: ['password'],
  unordered: [],
  create,
};
