import type { PolicyModule } from '../sdk/index.js';
import { credentialsOf, type CredentialsConfig } from '../client-id-enforcement/index.js';
import { create } from './runtime.js';

export interface RateLimitingSlaConfig extends CredentialsConfig {
  exposeHeaders: boolean;
  clusterizable: boolean;
  failMode: 'open' | 'closed';
}

export const rateLimitingSla: PolicyModule<RateLimitingSlaConfig> = {
  type: 'rate-limiting-sla',
  summary: "Limits each client application by the stacked limits of its contract's SLA tier; 401 for an unknown client, 429 over quota.",
  precedence: 'standard',
  provides: ['sla-rate-limiting'],
  requires: ['client-id-required'],
  secretFields: [],
  unordered: [],
  clientCredentials: credentialsOf,
  create,
};
