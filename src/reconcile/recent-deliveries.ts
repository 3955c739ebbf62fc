import { createHash } from 'node:crypto';

export interface RecentDeliveriesOptions {
  /** How long a delivery is remembered. */
  windowMs: number;
  /** At most this many deliveries are remembered; the oldest are forgotten first. */
  maxEntries: number;
  now?: () => number;
}

/**
 * Webhook deliveries seen lately, so a replayed one triggers nothing. A
 * delivery is known by its X-GitHub-Delivery id and by the digest of its
 * body: the signature covers the body only, so a replay with a fresh id is
 * still the same body (two real pushes never have the same payload). Memory
 * and time are bounded: entries expire after the window, and the oldest go
 * first beyond maxEntries.
 */
export class RecentDeliveries {
  /** key → when it expires; insertion order is expiry order (one window for all). */
  private readonly entries = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: RecentDeliveriesOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True when this delivery (by id or body) was seen within the window; otherwise it is remembered now. */
  isReplay(deliveryId: string | undefined, body: Buffer): boolean {
    const now = this.now();
    this.expire(now);
    const keys = [`body:${createHash('sha256').update(body).digest('hex')}`];
    if (deliveryId) keys.push(`id:${deliveryId}`);
    if (keys.some((k) => (this.entries.get(k) ?? 0) > now)) return true;
    for (const k of keys) this.entries.set(k, now + this.options.windowMs);
    while (this.entries.size > this.options.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return false;
  }

  get size(): number {
    return this.entries.size;
  }

  private expire(now: number): void {
    for (const [key, expires] of this.entries) {
      if (expires > now) return;
      this.entries.delete(key);
    }
  }
}
