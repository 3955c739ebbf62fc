import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface CustomConfig {
  /** Module path, relative to the manifest that declares the policy (absolute once normalized). */
  module: string;
  schema?: string;
  config: Record<string, unknown>;
}

export const custom: PolicyModule<CustomConfig> = {
  type: 'custom',
  summary: 'Runs a policy from your own ES module; without order: listed it runs after the built-in policies.',
  precedence: 'custom',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
