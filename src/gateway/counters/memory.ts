import type { Limit } from '../../manifest/types.js';
import type { CounterStore, WindowDecision } from './types.js';
import { WorstWindow } from './worst-window.js';

/** One fixed window of one key: how many hits it admitted since windowStart. */
interface Slot {
  windowStart: number;
  count: number;
}

export interface MemoryCounterStoreOptions {
  /** How often expired windows are swept; 0 disables the timer (call sweep() yourself). */
  sweepIntervalMs?: number;
  /** The clock the sweep timer uses; hits use the `now` their caller passes. */
  clock?: () => number;
}

const DEFAULT_SWEEP_INTERVAL_MS = 30_000;

/**
 * Fixed windows aligned to the epoch, held in this process. Slots are keyed by
 * caller key and window period, so a reload that keeps a period keeps counting
 * while a changed period starts fresh.
 */
export class MemoryCounterStore implements CounterStore {
  // key -> period (ms) -> slot. Nested maps avoid building a string per window per hit.
  private readonly slots = new Map<string, Map<number, Slot>>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(options: MemoryCounterStoreOptions = {}) {
    const interval = options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS;
    const clock = options.clock ?? Date.now;
    if (interval > 0) {
      this.timer = setInterval(() => this.sweep(clock()), interval);
      // The sweep only frees memory; it must never keep the process alive.
      this.timer.unref();
    }
  }

  hit(key: string, limits: readonly Limit[], now: number): WindowDecision {
    if (limits.length === 0) return { allowed: true, limit: Infinity, remaining: Infinity, resetMs: 0 };
    let byPeriod = this.slots.get(key);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      this.slots.set(key, byPeriod);
    }

    // First pass: bring every window to the current period and see whether all admit.
    let allowed = true;
    for (const limit of limits) {
      const slot = currentSlot(byPeriod, limit.timePeriodInMilliseconds, now);
      if (slot.count >= limit.maximumRequests) allowed = false;
    }

    // Second pass: count the hit (only when every window admitted it) and pick the most restrictive window.
    const worst = new WorstWindow();
    for (let i = 0; i < limits.length; i++) {
      const limit = limits[i] as Limit;
      const period = limit.timePeriodInMilliseconds;
      const slot = byPeriod.get(period) as Slot;
      // Two limits with one period share a slot (a tier may stack them): count the hit once.
      if (allowed && !periodSeenBefore(limits, i)) slot.count++;
      worst.consider(limit.maximumRequests, slot.count, slot.windowStart + period - now);
    }
    return worst.decision(allowed);
  }

  /** Drops every window that ended at or before `now`, and keys left without windows. */
  sweep(now: number): void {
    for (const [key, byPeriod] of this.slots) {
      for (const [period, slot] of byPeriod) {
        if (slot.windowStart + period <= now) byPeriod.delete(period);
      }
      if (byPeriod.size === 0) this.slots.delete(key);
    }
  }

  /** Number of live windows (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const byPeriod of this.slots.values()) n += byPeriod.size;
    return n;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** The slot of `period` for the window containing `now`, reset when an older window has ended. */
function currentSlot(byPeriod: Map<number, Slot>, period: number, now: number): Slot {
  const windowStart = Math.floor(now / period) * period;
  let slot = byPeriod.get(period);
  if (slot === undefined) {
    slot = { windowStart, count: 0 };
    byPeriod.set(period, slot);
  } else if (windowStart > slot.windowStart) {
    // Only move forward: a caller whose clock lags a little keeps counting in the current window.
    slot.windowStart = windowStart;
    slot.count = 0;
  }
  return slot;
}

function periodSeenBefore(limits: readonly Limit[], index: number): boolean {
  const period = (limits[index] as Limit).timePeriodInMilliseconds;
  for (let i = 0; i < index; i++) if ((limits[i] as Limit).timePeriodInMilliseconds === period) return true;
  return false;
}
