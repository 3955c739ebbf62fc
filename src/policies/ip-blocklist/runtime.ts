import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { IpFilterConfig } from './index.js';

export const create: PolicyFactory<IpFilterConfig> = () => {
  throw new Error('ip-blocklist: runtime not implemented yet');
};
