import { setTimeout as sleep } from 'node:timers/promises';
import type { PolicyClock } from '../policies/sdk/index.js';

/**
 * Where every test's clock starts: a UTC midnight, so that windows of a
 * second, a minute, an hour or a day all open with the test and "the 6th
 * request in a minute" never straddles a window boundary.
 */
const TEST_EPOCH_MS = Date.UTC(2030, 0, 1);

/**
 * The time a test's policies count in: it stands still while requests run,
 * and moves only by a step's `wait`. A policy's own delay (spike control)
 * still takes its real time.
 */
export class TestClock implements PolicyClock {
  private current = TEST_EPOCH_MS;

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return sleep(ms);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
