import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface JsonThreatProtectionConfig {
  maxContainerDepth?: number;
  maxObjectEntryCount?: number;
  maxObjectEntryNameLength?: number;
  maxArrayElementCount?: number;
  maxStringValueLength?: number;
}

export const jsonThreatProtection: PolicyModule<JsonThreatProtectionConfig> = {
  type: 'json-threat-protection',
  summary: 'Rejects JSON bodies over the depth, entry-count and length limits with 400, checked while the body streams in.',
  precedence: 'standard',
  provides: ['json-threat-protected'],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
