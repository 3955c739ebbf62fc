import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type HeaderInjectionConfig } from './schema.js';

export type { HeaderInjectionConfig };

export const headerInjection: PolicyModule<'header-injection', HeaderInjectionConfig> = {
  type: 'header-injection',
  schema,
  summary: 'Adds headers to the request sent upstream (inbound) and to the response sent back (outbound).',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
