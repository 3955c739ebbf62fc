import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type JsonThreatProtectionConfig } from './schema.js';

export type { JsonThreatProtectionConfig };

export const jsonThreatProtection: PolicyModule<'json-threat-protection', JsonThreatProtectionConfig> = {
  type: 'json-threat-protection',
  schema,
  summary:
    'Rejects JSON bodies over the depth, entry-count and length limits with 400, checked while the body streams in.',
  precedence: 'standard',
  provides: ['json-threat-protected'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  create,
};
