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

  it('aligns windows to the epoch and starts a new window fresh', () => {
    const counters = store();
    const limits = [{ maximumRequests: 1, timePeriodInMilliseconds: 1000 }];
    expect(counters.hit('k', limits, 5_999)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1 });
    expect(counters.hit('k', limits, 5_999).allowed).toBe(false);
    expect(counters.hit('k', limits, 6_000)).toEqual({ allowed: true, limit: 1, remaining: 0, resetMs: 1000 });
  });

  it('resets with real time in small windows', async () => {
    const counters = store();
    const limits = [{ maximumRequests: 2, timePeriodInMilliseconds: 40 }];
    // All three hits in one window whatever the machine's load: times inside the current window.
    const windowStart = Math.floor(Date.now() / 40) * 40;
    expect(counters.hit('k', limits, windowStart).allowed).toBe(true);
    expect(counters.hit('k', limits, windowStart + 1).allowed).toBe(true);
    const rejected = counters.hit('k', limits, windowStart + 2);
    expect(rejected.allowed).toBe(false);
    await new Promise((r) => setTimeout(r, rejected.resetMs + 5));
    expect(counters.hit('k', limits, Date.now()).allowed).toBe(true);
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
    expect(counters.hit('k', limits, 100)).toEqual({ allowed: true, limit: 2, remaining: 0, resetMs: 900 });
    expect(counters.hit('k', limits, 100)).toEqual({ allowed: false, limit: 2, remaining: 0, resetMs: 900 });
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
    expect(counters.hit('k', [{ maximumRequests: 1, timePeriodInMilliseconds: 2000 }], 0)).toMatchObject({ allowed: true, remaining: 0 });
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

  it('sweeps on an unref-ed timer', async () => {
    const counters = store({ sweepIntervalMs: 10 });
    counters.hit('k', [{ maximumRequests: 1, timePeriodInMilliseconds: 10 }], Date.now());
    expect(counters.size).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    expect(counters.size).toBe(0);
  });
});
