import type { PolicyModule } from '../types.js';
import { create } from './runtime.js';

export interface SpikeControlConfig {
  maximumRequests: number;
  timePeriodInMilliseconds: number;
  delayTimeInMillis: number;
  delayAttempts: number;
  queuingLimit: number;
  exposeHeaders: boolean;
}

export const spikeControl: PolicyModule<SpikeControlConfig> = {
  type: 'spike-control',
  summary: 'Smooths bursts: over maximumRequests per period, requests are delayed and retried, queued up to queuingLimit, then rejected with 429.',
  precedence: 'spike-control',
  provides: ['spike-controlled'],
  requires: [],
  secretFields: [],
  unordered: [],
  create,
};
