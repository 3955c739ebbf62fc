import type { Limit } from '../manifest/types.js';
import type { CounterStore, WindowDecision } from '../policies/sdk/index.js';

/**
 * Where every test's clock starts: a UTC midnight, so that windows of a
 * second, a minute, an hour or a day all open with the test and "the 6th
 * request in a minute" never straddles a window boundary.
 */
const TEST_EPOCH_MS = Date.UTC(2030, 0, 1);

/** The time a test's counters see: it stands still while requests run, and moves only by a step's `wait`. */
export class TestClock {
  now = TEST_EPOCH_MS;

  advance(ms: number): void {
    this.now += ms;
  }
}

/** Counts in `inner` at the test clock's time instead of the time the policy read. */
export class ClockedCounterStore implements CounterStore {
  constructor(
    private readonly inner: CounterStore,
    private readonly clock: { readonly now: number },
  ) {}

  hit(key: string, limits: readonly Limit[]): WindowDecision | Promise<WindowDecision> {
    return this.inner.hit(key, limits, this.clock.now);
  }

  slide(key: string, limit: Limit): WindowDecision | Promise<WindowDecision> {
    return this.inner.slide(key, limit, this.clock.now);
  }
}
