import type { Limit } from '../../policies/sdk/index.js';
import { SlidingLog } from './sliding-log.js';
import type { CounterStore, WindowDecision } from './types.js';
import { WorstWindow } from './worst-window.js';

/** One fixed window of one key: how many hits it admitted since it started. */
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
 * Counters held in this process. A fixed window of a key starts with the first
 * hit it admits (not aligned to the clock) and ends one period later; the next
 * admitted hit starts the next one. Windows are keyed by caller key and
 * period, so a reload that keeps a period keeps counting while a changed
 * period starts fresh. Sliding windows keep the times they admitted.
 */
export class MemoryCounterStore implements CounterStore {
  // key -> period (ms) -> slot. Nested maps avoid building a string per window per hit.
  private readonly slots = new Map<string, Map<number, Slot>>();
  private readonly logs = new Map<string, Map<number, SlidingLog>>();
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

    // First pass: does every window admit? A window that ended (or never started) has room.
    let allowed = true;
    for (const limit of limits) {
      const slot = byPeriod.get(limit.timePeriodInMilliseconds);
      if (
        slot !== undefined &&
        isRunning(slot, limit.timePeriodInMilliseconds, now) &&
        slot.count >= limit.maximumRequests
      )
        allowed = false;
    }

    // Second pass: count the hit (only when every window admitted it; it starts the windows that are not running)
    // and pick the most restrictive window.
    const worst = new WorstWindow();
    for (let i = 0; i < limits.length; i++) {
      const limit = limits[i] as Limit;
      const period = limit.timePeriodInMilliseconds;
      let slot = byPeriod.get(period);
      const running = slot !== undefined && isRunning(slot, period, now);
      if (allowed && !periodSeenBefore(limits, i)) {
        // Two limits with one period share a slot (a tier may stack them): count the hit once.
        if (slot === undefined) byPeriod.set(period, (slot = { windowStart: now, count: 1 }));
        else if (!running) {
          slot.windowStart = now;
          slot.count = 1;
        } else slot.count++;
      }
      const counting = slot !== undefined && isRunning(slot, period, now);
      worst.consider(
        limit.maximumRequests,
        counting ? (slot as Slot).count : 0,
        counting ? (slot as Slot).windowStart + period - now : period,
      );
    }
    return worst.decision(allowed);
  }

  slide(key: string, limit: Limit, now: number): WindowDecision {
    const period = limit.timePeriodInMilliseconds;
    const max = limit.maximumRequests;
    let byPeriod = this.logs.get(key);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      this.logs.set(key, byPeriod);
    }
    let log = byPeriod.get(period);
    if (log === undefined) byPeriod.set(period, (log = new SlidingLog()));
    log.expire(now, period);
    const allowed = log.size < max;
    if (allowed) log.admit(now);
    const remaining = Math.max(0, max - log.size);
    return { allowed, limit: max, remaining, resetMs: remaining > 0 ? 0 : log.oldest() + period - now };
  }

  /** Drops every window that ended at or before `now`, and keys left without windows. */
  sweep(now: number): void {
    for (const [key, byPeriod] of this.slots) {
      for (const [period, slot] of byPeriod) {
        if (!isRunning(slot, period, now)) byPeriod.delete(period);
      }
      if (byPeriod.size === 0) this.slots.delete(key);
    }
    for (const [key, byPeriod] of this.logs) {
      for (const [period, log] of byPeriod) {
        log.expire(now, period);
        if (log.size === 0) byPeriod.delete(period);
      }
      if (byPeriod.size === 0) this.logs.delete(key);
    }
  }

  /** Number of live windows (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const byPeriod of this.slots.values()) n += byPeriod.size;
    for (const byPeriod of this.logs.values()) n += byPeriod.size;
    return n;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

/** A window runs from its first admitted hit for one period. A caller whose clock lags a little keeps counting in it. */
function isRunning(slot: Slot, period: number, now: number): boolean {
  return now < slot.windowStart + period;
}

function periodSeenBefore(limits: readonly Limit[], index: number): boolean {
  const period = (limits[index] as Limit).timePeriodInMilliseconds;
  for (let i = 0; i < index; i++) if ((limits[i] as Limit).timePeriodInMilliseconds === period) return true;
  return false;
}
