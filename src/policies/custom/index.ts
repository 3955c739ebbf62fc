import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type CustomConfig } from './schema.js';

export type { CustomConfig };

export const custom: PolicyModule<'custom', CustomConfig> = {
  type: 'custom',
  schema,
  summary: 'Runs a policy from your own ES module; without order: listed it runs after the built-in policies.',
  precedence: 'custom',
  provides: [],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  create,
};
