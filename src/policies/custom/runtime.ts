import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { CustomConfig } from './index.js';

export const create: PolicyFactory<CustomConfig> = () => {
  throw new Error('custom: runtime not implemented yet');
};
