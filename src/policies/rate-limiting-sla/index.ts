import type { PolicyModule } from '../sdk/index.js';
import { credentialsOf } from '../client-id-enforcement/index.js';
import { create } from './runtime.js';
import { schema, type RateLimitingSlaConfig } from './schema.js';

export type { RateLimitingSlaConfig };

export const rateLimitingSla: PolicyModule<'rate-limiting-sla', RateLimitingSlaConfig> = {
  type: 'rate-limiting-sla',
  schema,
  summary: "Limits each client application by the stacked limits of its contract's SLA tier; 401 for an unknown client, 429 over quota.",
  precedence: 'standard',
  provides: ['sla-rate-limiting'],
  requires: ['client-id-required'],
  secretFields: [],
  unordered: [],
  clientCredentials: credentialsOf,
  create,
};
