export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * Waits until the current epoch-aligned window of `period` has at least
 * `margin` ms left (windows are aligned to the epoch: a day's ends at UTC
 * midnight), so the requests of a test land in one window. With hour or day
 * windows it almost never waits; keep `margin` under the hook timeout.
 */
export async function windowWithRoom(period: number, margin: number): Promise<void> {
  while (period - (Date.now() % period) < margin) await new Promise((r) => setTimeout(r, 50));
}
