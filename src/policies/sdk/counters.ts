/** One limit: at most maximumRequests per timePeriodInMilliseconds. */
export interface Limit {
  maximumRequests: number;
  timePeriodInMilliseconds: number;
}

/** What one hit on a stack of windows decided. */
export interface WindowDecision {
  allowed: boolean;
  /** The most restrictive window: its limit, what remains in it, and ms until it resets (0 for a sliding window with room left). */
  limit: number;
  remaining: number;
  resetMs: number;
  /**
   * Set (with allowed false) when the shared storage could not be reached and
   * the policy fails closed: the policy answers 503, not 429.
   */
  unavailable?: true;
}

/**
 * Counters that survive reloads (and, with shared storage, are shared between
 * replicas). `key` is scoped by the caller (api/policy/selector value). A hit
 * is only counted when every window admits it.
 */
export interface CounterStore {
  /**
   * Fixed windows: each window of a key starts with the first request it
   * admits (not aligned to the clock) and lasts its period.
   */
  hit(key: string, limits: readonly Limit[], now: number): WindowDecision | Promise<WindowDecision>;
  /**
   * A sliding window: admitted when fewer than maximumRequests were admitted in
   * the timePeriodInMilliseconds before `now`. resetMs is 0 while room remains,
   * else the ms until the oldest admission leaves the window.
   */
  slide(key: string, limit: Limit, now: number): WindowDecision | Promise<WindowDecision>;
}
