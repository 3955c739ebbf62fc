import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { RateLimitingSlaConfig } from './index.js';

export const create: PolicyFactory<RateLimitingSlaConfig> = () => {
  throw new Error('rate-limiting-sla: runtime not implemented yet');
};
