import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { CorsConfig } from './index.js';

export const create: PolicyFactory<CorsConfig> = () => {
  throw new Error('cors: runtime not implemented yet');
};
