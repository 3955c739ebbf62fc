import type { PolicyFactory } from '../../gateway/chain/types.js';
import type { MessageLoggingConfig } from './index.js';

export const create: PolicyFactory<MessageLoggingConfig> = () => {
  throw new Error('message-logging: runtime not implemented yet');
};
