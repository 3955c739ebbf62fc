import type { Limit } from '../../policies/sdk/index.js';
import type { SharedStorageStats } from './shared-storage-stats.js';
import type { WindowDecision } from './types.js';

/** A window known to be full: until `until` (caller's clock) Redis would reject this key with these limits. */
interface ExhaustedWindow {
  /** The limit stack (fixed windows) or the limit (a sliding window) it was learned for. */
  limits: readonly Limit[] | Limit;
  until: number;
  limit: number;
}

/**
 * The local cache of windows Redis reported full. Counts only grow within a
 * window, so a full window stays full until it resets: until then a hit on
 * that key is rejected here, without a round trip.
 */
export class ExhaustedWindows {
  private readonly windows = new Map<string, ExhaustedWindow>();

  constructor(private readonly stats: SharedStorageStats) {}

  /** The rejection of `key` while its window is known to be full with these limits; undefined otherwise. */
  rejection(key: string, limits: readonly Limit[] | Limit, now: number): WindowDecision | undefined {
    const full = this.windows.get(key);
    if (full === undefined) return undefined;
    if (now < full.until && full.limits === limits) {
      this.stats.localRejections++;
      return { allowed: false, limit: full.limit, remaining: 0, resetMs: full.until - now };
    }
    this.windows.delete(key);
    return undefined;
  }

  /** Remembers a rejection Redis decided, until the window resets. */
  learn(key: string, limits: readonly Limit[] | Limit, now: number, decision: WindowDecision): void {
    if (!decision.allowed) this.windows.set(key, { limits, until: now + decision.resetMs, limit: decision.limit });
  }

  /** Forgets everything (a restarted Redis starts empty). */
  clear(): void {
    this.windows.clear();
  }

  /** Forgets full windows that have reset. */
  sweep(now: number): void {
    for (const [key, full] of this.windows) if (full.until <= now) this.windows.delete(key);
  }
}
