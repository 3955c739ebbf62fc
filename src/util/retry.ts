import { setTimeout as timer } from 'node:timers/promises';

export interface Backoff {
  baseDelayMs: number;
  maxDelayMs?: number;
  /** Each delay is spread by ± this fraction at random (0.2: 80 % to 120 %), so that retries of many clients do not align. */
  jitter: number;
}

/** The delay before retry number `retry` (1 for the first): exponential from `baseDelayMs`, capped at `maxDelayMs`, with jitter. */
export function backoffDelay(retry: number, backoff: Backoff): number {
  const delay = Math.min(backoff.maxDelayMs ?? Infinity, backoff.baseDelayMs * 2 ** (retry - 1));
  return backoff.jitter === 0 ? delay : delay * (1 - backoff.jitter + Math.random() * 2 * backoff.jitter);
}

export interface RetryOptions extends Backoff {
  /** Calls in all, the first one included (at least 1). */
  attempts: number;
  /** How to wait between calls (default: a timer); one that never resolves ends the retries. */
  sleep?: (ms: number) => Promise<void>;
  /** Hears each failure that is retried. */
  onRetry?: (error: unknown, attempt: number) => void;
}

export type Attempt<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Calls `attempt` until it succeeds or `attempts` calls have failed, waiting
 * with exponential backoff between calls. `attempt` gets the call's number
 * (1-based) and whether it is the last; the result is the last call's.
 */
export async function retry<T>(
  options: RetryOptions,
  attempt: (n: number, last: boolean) => Promise<Attempt<T>>,
): Promise<Attempt<T>> {
  const attempts = Math.max(1, options.attempts);
  for (let n = 1; ; n++) {
    const result = await attempt(n, n === attempts);
    if (result.ok || n === attempts) return result;
    options.onRetry?.(result.error, n);
    await (options.sleep ?? timer)(backoffDelay(n, options));
  }
}
