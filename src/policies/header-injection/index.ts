import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface HeaderInjectionConfig {
  inboundHeaders: { key: string; value: string }[];
  outboundHeaders: { key: string; value: string }[];
}

export const headerInjection: PolicyModule<HeaderInjectionConfig> = {
  type: 'header-injection',
  summary: 'Adds headers to the request sent upstream (inbound) and to the response sent back (outbound).',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
