/**
 * The admission times of one sliding window, oldest first, in a ring that
 * grows up to the window's maximum: a request is admitted when fewer than
 * `maximum` admissions lie in the period before it. Exact, and bounded: it
 * never holds more than `maximum` times (fewer once they leave the period).
 */
export class SlidingLog {
  private times: Float64Array = new Float64Array(4);
  private head = 0;
  size = 0;

  /** Forgets admissions at or before `now - period`: they no longer count. */
  expire(now: number, period: number): void {
    const horizon = now - period;
    while (this.size > 0 && (this.times[this.head] as number) <= horizon) {
      this.head = (this.head + 1) % this.times.length;
      this.size--;
    }
  }

  /** The oldest admission still held (call expire first). */
  oldest(): number {
    return this.times[this.head] as number;
  }

  admit(now: number): void {
    if (this.size === this.times.length) this.grow();
    this.times[(this.head + this.size) % this.times.length] = now;
    this.size++;
  }

  private grow(): void {
    const grown = new Float64Array(this.times.length * 2);
    for (let i = 0; i < this.size; i++) grown[i] = this.times[(this.head + i) % this.times.length] as number;
    this.times = grown;
    this.head = 0;
  }
}
