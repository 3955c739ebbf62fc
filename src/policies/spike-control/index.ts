import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type SpikeControlConfig } from './schema.js';

export type { SpikeControlConfig };

export const spikeControl: PolicyModule<'spike-control', SpikeControlConfig> = {
  type: 'spike-control',
  schema,
  summary:
    'Smooths bursts: over maximumRequests per period, requests are delayed and retried, queued up to queuingLimit, then rejected with 429.',
  precedence: 'spike-control',
  provides: ['spike-controlled'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  create,
};
