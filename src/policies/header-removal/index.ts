import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface HeaderRemovalConfig {
  inboundHeaders: string[];
  outboundHeaders: string[];
}

export const headerRemoval: PolicyModule<HeaderRemovalConfig> = {
  type: 'header-removal',
  summary: 'Removes headers from the request sent upstream (inbound) and from the response sent back (outbound).',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: ['inboundHeaders', 'outboundHeaders'],
  create,
};
