import type { PolicyModule } from '../types.js';
import { create } from './runtime.js';

export interface CredentialsConfig {
  credentialsOrigin: 'headers' | 'query' | 'basic';
  clientIdName: string;
  clientSecretName: string;
  secretRequired: boolean;
}

export type ClientIdEnforcementConfig = CredentialsConfig;

export const clientIdEnforcement: PolicyModule<ClientIdEnforcementConfig> = {
  type: 'client-id-enforcement',
  summary: 'Admits only applications with a contract for this API version, identified by client id (and secret).',
  precedence: 'standard',
  provides: ['client-id-required'],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
