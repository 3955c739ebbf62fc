import { describe, expect, it } from 'vitest';
import { RecentDeliveries } from '../../src/reconcile/recent-deliveries.js';

/** The replay window: a delivery is known by id and by body, for a bounded time and number of entries. */
describe('RecentDeliveries', () => {
  const body = (n: number) => Buffer.from(`{"after":"${n}"}`);

  it('knows a delivery by its id and by its body, within the window only', () => {
    let now = 0;
    const recent = new RecentDeliveries({ windowMs: 1000, maxEntries: 100, now: () => now });
    expect(recent.isReplay('a', body(1))).toBe(false);
    expect(recent.isReplay('a', body(1))).toBe(true);
    expect(recent.isReplay('fresh-id', body(1))).toBe(true);
    expect(recent.isReplay('a', body(2))).toBe(true);
    expect(recent.isReplay(undefined, body(3))).toBe(false);
    expect(recent.isReplay(undefined, body(3))).toBe(true);
    now = 1001;
    expect(recent.isReplay('a', body(1))).toBe(false);
    // Expired entries are dropped, not only ignored.
    expect(recent.size).toBe(2);
  });

  it('holds at most maxEntries, forgetting the oldest first', () => {
    const recent = new RecentDeliveries({ windowMs: 60_000, maxEntries: 10 });
    for (let i = 0; i < 1000; i++) expect(recent.isReplay(`id-${i}`, body(i))).toBe(false);
    expect(recent.size).toBe(10);
    expect(recent.isReplay('id-999', body(999))).toBe(true);
    expect(recent.isReplay('id-0', body(0))).toBe(false);
  });
});
