import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { XmlThreatProtectionConfig } from './index.js';

export const create: PolicyFactory<XmlThreatProtectionConfig> = () => {
  throw new Error('xml-threat-protection: runtime not implemented yet');
};
