import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { BasicAuthConfig } from './index.js';

export const create: PolicyFactory<BasicAuthConfig> = () => {
  throw new Error('basic-auth: runtime not implemented yet');
};
