import type { Limit } from '../../manifest/types.js';

/** What one hit on a stack of fixed windows decided. */
export interface WindowDecision {
  allowed: boolean;
  /** The most restrictive window: its limit, what remains in it, and ms until it resets. */
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
 * Fixed-window counters. `key` is scoped by the caller (api/policy/selector value).
 * A hit is only counted when every window admits it.
 */
export interface CounterStore {
  hit(key: string, limits: readonly Limit[], now: number): WindowDecision | Promise<WindowDecision>;
}
