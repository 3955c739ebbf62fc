import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { RateLimitingConfig } from './index.js';

export const create: PolicyFactory<RateLimitingConfig> = () => {
  throw new Error('rate-limiting: runtime not implemented yet');
};
