import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type HeaderRemovalConfig } from './schema.js';

export type { HeaderRemovalConfig };

export const headerRemoval: PolicyModule<'header-removal', HeaderRemovalConfig> = {
  type: 'header-removal',
  schema,
  summary: 'Removes headers from the request sent upstream (inbound) and from the response sent back (outbound).',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: ['inboundHeaders', 'outboundHeaders'],
  create,
};
