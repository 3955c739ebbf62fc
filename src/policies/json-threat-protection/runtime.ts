import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { JsonThreatProtectionConfig } from './index.js';

export const create: PolicyFactory<JsonThreatProtectionConfig> = () => {
  throw new Error('json-threat-protection: runtime not implemented yet');
};
