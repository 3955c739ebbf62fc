import { afterEach, describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';

const stores: MemoryCounterStore[] = [];
function store(options?: ConstructorParameters<typeof MemoryCounterStore>[0]): MemoryCounterStore {
  const created = new MemoryCounterStore(options ?? { sweepIntervalMs: 0 });
  stores.push(created);
  return created;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

describe('MemoryCounterStore', () => {
  it('admits exactly maximumRequests hits per window', () => {
    const counters = store();
    const limits = [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }];
    const allowed = Array.from({ length: 5 }, () => counters.hit('k', limits, 10_000).allowed);
    expect(allowed).toEqual([true, true, true, false, false]);
  });

  // Reference: "fixed windows, each started by the first request of its key, not aligned to the clock".
  it('a window starts with the first request of its key, not at a clock boundary, and the next admitted request starts the next one', () => {
    const counters = store();
    const limits = [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }];
    expect(counters.hit('k', limits, 5_999)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1000 });
    // An epoch-aligned window would have ended at 6,000: this one runs until 6,999.
    expect(counters.hit('k', limits, 6_000)).toEqual({ allowed: false, limit: 1, remaining: 0, resetMs: 999 });
    expect(counters.hit('k', limits, 6_998).allowed).toBe(false);
    expect(counters.hit('k', limits, 6_999)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1000 });
    // Another key's window starts with its own first request.
    expect(counters.hit('other', limits, 6_500)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1000 });
  });

  it('a rejected request starts no window: a window that ended has room until an admitted request starts it', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 1, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 2, timePeriodInMilliseconds: 10_000 },
    ];
    counters.hit('k', limits, 0);
    counters.hit('k', limits, 1_000);
    // The 10 s window is full; the 1 s window that ended at 2,000 is not restarted by this rejection.
    expect(counters.hit('k', limits, 2_500)).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 7_500 });
    expect(counters.hit('k', limits, 10_000)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1_000 });
  });

  it('reports the most restrictive of stacked windows', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 5, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 3, timePeriodInMilliseconds: 60_000 },
    ];
    expect(counters.hit('k', limits, 0)).toEqual({ allowed: true, limit: 3, remaining: 2, resetMs: 60_000 });
    counters.hit('k', limits, 0);
    counters.hit('k', limits, 0);
    expect(counters.hit('k', limits, 500)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 59_500 });
  });

  it('reports the per-second window when it is the tighter one', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 2, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 100, timePeriodInMilliseconds: 86_400_000 },
    ];
    counters.hit('k', limits, 100);
    expect(counters.hit('k', limits, 100)).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 1000 });
    expect(counters.hit('k', limits, 600)).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 500 });
  });

  it('counts a hit only when every window admits it', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 2, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 4, timePeriodInMilliseconds: 60_000 },
    ];
    counters.hit('k', limits, 0);
    counters.hit('k', limits, 0);
    expect(counters.hit('k', limits, 0).allowed).toBe(false); // rejected by the 1 s window: the minute must not count it
    expect(counters.hit('k', limits, 1000).allowed).toBe(true);
    expect(counters.hit('k', limits, 1000).allowed).toBe(true); // 4th counted hit of the minute
    // Both windows are full now; the one that resets last is reported.
    expect(counters.hit('k', limits, 1000)).toEqual({ allowed: false, limit: 4, remaining: 0, resetMs: 59_000 });
  });

  it('counts a hit once when two limits share a period', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 2, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 3, timePeriodInMilliseconds: 1000 },
    ];
    expect([1, 2, 3].map(() => counters.hit('k', limits, 0).allowed)).toEqual([true, true, false]);
  });

  it('keeps counting an unchanged window across a reload and starts a changed one fresh', () => {
    const counters = store();
    counters.hit('k', [{ maximumRequests: 2, timePeriodInMilliseconds: 1000 }], 0);
    counters.hit('k', [{ maximumRequests: 2, timePeriodInMilliseconds: 1000 }], 0);
    // Reload: the limit grows, the period stays: the two hits still count.
    expect(counters.hit('k', [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }], 0).allowed).toBe(true);
    expect(counters.hit('k', [{ maximumRequests: 3, timePeriodInMilliseconds: 1000 }], 0).allowed).toBe(false);
    // Reload: a different period is a different window.
    expect(counters.hit('k', [{ maximumRequests: 1, timePeriodInMilliseconds: 2000 }], 0)).toMatchObject({
      allowed: true,
      remaining: 0,
    });
  });

  it('keeps keys apart', () => {
    const counters = store();
    const limits = [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }];
    expect(counters.hit('a', limits, 0).allowed).toBe(true);
    expect(counters.hit('b', limits, 0).allowed).toBe(true);
    expect(counters.hit('a', limits, 0).allowed).toBe(false);
  });

  it('does not restart a window when a caller clock lags behind', () => {
    const counters = store();
    const limits = [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }];
    counters.hit('k', limits, 2_000);
    expect(counters.hit('k', limits, 1_999).allowed).toBe(false);
  });

  it('admits everything when there is no limit', () => {
    expect(store().hit('k', [], 0).allowed).toBe(true);
  });

  it('sweeps expired windows so memory stays bounded', () => {
    const counters = store();
    const limits = [
      { maximumRequests: 1, timePeriodInMilliseconds: 1000 },
      { maximumRequests: 10, timePeriodInMilliseconds: 10_000 },
    ];
    for (let i = 0; i < 100; i++) counters.hit(`ip-${i}`, limits, 0);
    expect(counters.size).toBe(200);
    counters.sweep(1000);
    expect(counters.size).toBe(100);
    counters.sweep(10_000);
    expect(counters.size).toBe(0);
  });

  // Reference (spike control): "a sliding window"; "X-Ratelimit-Reset is 0 while quota remains".
  it('a sliding window admits at most the maximum in any period before a request, and reports reset 0 while room remains', () => {
    const counters = store();
    const limit = { maximumRequests: 2, timePeriodInMilliseconds: 1000 };
    expect(counters.slide('s', limit, 0)).toEqual({ allowed: true, limit: 2, remaining: 1, resetMs: 0 });
    expect(counters.slide('s', limit, 600)).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 400 });
    // A fixed window started at 0 would admit again at 1,000; the sliding one still holds the admission of 600.
    expect(counters.slide('s', limit, 1_000)).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 600 });
    expect(counters.slide('s', limit, 1_100)).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 500 });
    expect(counters.slide('s', limit, 1_599).allowed).toBe(false);
    expect(counters.slide('s', limit, 1_600)).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 400 });
  });

  it('a sliding window is exact at every instant (checked against the definition) and holds at most its maximum', () => {
    const counters = store();
    const limit = { maximumRequests: 5, timePeriodInMilliseconds: 100 };
    const admitted: number[] = [];
    let t = 0;
    for (let i = 0; i < 2_000; i++) {
      t += (i * 7919) % 13;
      const expected = admitted.filter((a) => a > t - 100).length < 5;
      expect(counters.slide('s', limit, t).allowed).toBe(expected);
      if (expected) admitted.push(t);
    }
    expect(admitted.length).toBeGreaterThan(100);
    counters.sweep(t + 100);
    expect(counters.size).toBe(0);
  });

  it('sweeps on an unref-ed timer', async () => {
    const counters = store({ sweepIntervalMs: 10 });
    counters.hit('k', [{ maximumRequests: 1, timePeriodInMilliseconds: 10 }], Date.now());
    expect(counters.size).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(counters.size).toBe(0);
  });
});
