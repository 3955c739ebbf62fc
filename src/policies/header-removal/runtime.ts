import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { HeaderRemovalConfig } from './index.js';

export const create: PolicyFactory<HeaderRemovalConfig> = () => {
  throw new Error('header-removal: runtime not implemented yet');
};
