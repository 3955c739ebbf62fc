import type { PolicyClock } from '../policies/sdk/index.js';

/**
 * The time of a replay: it stands at the arrival of the record being
 * replayed, and a policy that waits (spike control's delay) sleeps in it,
 * not in real time. Sleepers wake in time order as the replay moves past
 * their time, each one before the clock moves on.
 */
export class VirtualClock implements PolicyClock {
  private current: number;
  private readonly sleepers: { at: number; seq: number; wake: () => void }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.current + Math.max(0, ms), seq: this.seq++, wake });
    });
  }

  /** Moves to `time` when nobody sleeps (the common case: no promise, no turn of the event loop). */
  set(time: number): void {
    if (time > this.current) this.current = time;
  }

  get sleeping(): number {
    return this.sleepers.length;
  }

  /** Moves to `time` (never back), waking every sleeper due by then at its own time and letting it run before the next. */
  async advanceTo(time: number): Promise<void> {
    for (;;) {
      const next = this.earliest();
      if (next === undefined || this.sleepers[next]!.at > time) break;
      const [sleeper] = this.sleepers.splice(next, 1);
      this.current = Math.max(this.current, sleeper!.at);
      sleeper!.wake();
      // What the sleeper does next runs in microtasks and may sleep again: let it, before time moves on.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (time > this.current && Number.isFinite(time)) this.current = time;
  }

  private earliest(): number | undefined {
    let best: number | undefined;
    this.sleepers.forEach((s, i) => {
      const b = best === undefined ? undefined : this.sleepers[best]!;
      if (b === undefined || s.at < b.at || (s.at === b.at && s.seq < b.seq)) best = i;
    });
    return best;
  }
}
