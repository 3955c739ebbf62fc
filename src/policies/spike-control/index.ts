import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface SpikeControlConfig {
  maximumRequests: number;
  timePeriodInMilliseconds: number;
  delayTimeInMillis: number;
  delayAttempts: number;
  queuingLimit: number;
  exposeHeaders: boolean;
  /**
   * Count in the environment's shared storage (Redis) when it has one (schema default true).
   * Read where ctx.counters is chosen, not by the runtime; optional here so configs written before it stay valid.
   */
  clusterizable?: boolean;
  /** Shared storage unreachable: open counts locally, closed answers 503 (schema default open). */
  failMode?: 'open' | 'closed';
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
