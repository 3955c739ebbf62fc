import type { PolicyModule } from '../sdk/index.js';
import { checkCredentials, credentialsOf } from '../shared/credentials-checks.js';
import { create } from './runtime.js';
import { schema, type RateLimitingSlaConfig } from './schema.js';

export type { RateLimitingSlaConfig };

export const rateLimitingSla: PolicyModule<'rate-limiting-sla', RateLimitingSlaConfig> = {
  type: 'rate-limiting-sla',
  schema,
  summary:
    "Identifies the client application itself (client id, and secret unless optional) and limits it by the stacked limits of its contract's SLA tier; 401 for an unknown client or bad secret, 429 over quota.",
  precedence: 'standard',
  provides: ['sla-rate-limiting'],
  // It enforces the client's credentials itself, so it needs no client-id-enforcement in the chain.
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  clientCredentials: credentialsOf,
  check: checkCredentials,
  create,
};
