import type { SharedStorageStats } from './shared-storage-stats.js';
import type { CounterStore, WindowDecision } from './types.js';

export type FailMode = 'open' | 'closed';

const UNAVAILABLE: Readonly<WindowDecision> = Object.freeze({
  allowed: false,
  limit: 0,
  remaining: 0,
  resetMs: 0,
  unavailable: true as const,
});

/**
 * What a hit Redis cannot take becomes, by the policy's fail mode: fail-open
 * policies count in the local store, fail-closed ones answer `unavailable`
 * (503). Every fallback is counted.
 */
export class FailModeFallback {
  constructor(
    private readonly local: CounterStore,
    private readonly stats: SharedStorageStats,
  ) {}

  decide(
    mode: FailMode,
    countLocally: (store: CounterStore) => WindowDecision | Promise<WindowDecision>,
  ): WindowDecision | Promise<WindowDecision> {
    this.stats.fallbacks[mode]++;
    return mode === 'open' ? countLocally(this.local) : UNAVAILABLE;
  }
}
