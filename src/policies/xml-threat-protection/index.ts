import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type XmlThreatProtectionConfig } from './schema.js';

export type { XmlThreatProtectionConfig };

export const xmlThreatProtection: PolicyModule<'xml-threat-protection', XmlThreatProtectionConfig> = {
  type: 'xml-threat-protection',
  schema,
  summary:
    'Rejects XML bodies over the depth, count and length limits, and any DTD or entity declaration, with 400, checked while the body streams in.',
  precedence: 'standard',
  provides: ['xml-threat-protected'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  create,
};
