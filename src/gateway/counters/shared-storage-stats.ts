import type { FailMode } from './fail-mode.js';

/** Counts that outlive one connection (a changed URL opens another): what /metrics and /status report. */
export interface SharedStorageStats {
  /** Hits Redis could not take: counted locally (open) or answered 503 (closed). */
  fallbacks: Record<FailMode, number>;
  /** Times Redis became unreachable (each logged once). */
  outages: number;
  /** Rejections decided without a round trip: the window was known to be full until its reset. */
  localRejections: number;
}

export function emptyStats(): SharedStorageStats {
  return { fallbacks: { open: 0, closed: 0 }, outages: 0, localRejections: 0 };
}

/** Hits that fell back so far, in either fail mode. */
export function fallbacksOf(stats: SharedStorageStats): number {
  return stats.fallbacks.open + stats.fallbacks.closed;
}
