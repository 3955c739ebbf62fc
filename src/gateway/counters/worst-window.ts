import type { WindowDecision } from './types.js';

/**
 * Picks the most restrictive of stacked windows: the least remaining, ties to
 * the window that resets last (that is how long the client really waits).
 * Shared by every counter store so that they report alike.
 */
export class WorstWindow {
  private limit = 0;
  private remaining = Infinity;
  private resetMs = 0;

  consider(maximumRequests: number, count: number, resetMs: number): void {
    const remaining = Math.max(0, maximumRequests - count);
    if (remaining < this.remaining || (remaining === this.remaining && resetMs > this.resetMs)) {
      this.limit = maximumRequests;
      this.remaining = remaining;
      this.resetMs = resetMs;
    }
  }

  decision(allowed: boolean): WindowDecision {
    return { allowed, limit: this.limit, remaining: this.remaining, resetMs: this.resetMs };
  }
}
