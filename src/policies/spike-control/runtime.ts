import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { SpikeControlConfig } from './index.js';

export const create: PolicyFactory<SpikeControlConfig> = () => {
  throw new Error('spike-control: runtime not implemented yet');
};
