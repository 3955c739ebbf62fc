import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { ClientIdEnforcementConfig } from './index.js';

export const create: PolicyFactory<ClientIdEnforcementConfig> = () => {
  throw new Error('client-id-enforcement: runtime not implemented yet');
};
