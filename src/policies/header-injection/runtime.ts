import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { HeaderInjectionConfig } from './index.js';

export const create: PolicyFactory<HeaderInjectionConfig> = () => {
  throw new Error('header-injection: runtime not implemented yet');
};
