import { hash, randomBytes } from 'node:crypto';
import { isSealed, verifyStored, type StoredSecret } from './sealed.js';

/**
 * Checking presented credentials on the request path. A stored secret is an
 * scrypt digest (tens of milliseconds): each distinct credential is verified
 * once, off the event loop, and the verdict remembered under a keyed hash of
 * what was presented: SHA-256 of a random key of this process followed by the
 * parts. A hit costs that one hash; the values themselves are never kept.
 */
const PROCESS_KEY = randomBytes(32).toString('hex');

/**
 * The name under which a presented credential's verdict is remembered. Not an
 * HMAC: these names never leave the process, so there is no tag for a length
 * extension to start from, and a one-shot hash costs a fifth of one (an HMAC
 * context is built per call). Each part is length-prefixed, so no two lists
 * of parts hash the same text.
 */
export function presentedKey(...parts: string[]): string {
  let text = PROCESS_KEY;
  for (const part of parts) text += `${part.length}:${part}`;
  return hash('sha256', text, 'base64');
}

/**
 * Verdicts by presented key, bounded: accepted and refused credentials are kept
 * apart, so a flood of wrong guesses can never evict the credentials of real
 * clients. Oldest first out (insertion order), no bookkeeping per hit.
 */
export class VerifiedCredentials<T> {
  private readonly accepted = new Map<string, T>();
  private readonly refused = new Set<string>();

  constructor(private readonly limit = 10_000) {}

  /** The accepted value, false when refused, undefined when not seen yet. */
  lookup(key: string): T | false | undefined {
    const accepted = this.accepted.get(key);
    if (accepted !== undefined) return accepted;
    return this.refused.has(key) ? false : undefined;
  }

  remember(key: string, verdict: T | false): void {
    if (verdict === false) {
      if (this.refused.size >= this.limit) this.refused.delete(this.refused.values().next().value as string);
      this.refused.add(key);
      return;
    }
    if (this.accepted.size >= this.limit) this.accepted.delete(this.accepted.keys().next().value as string);
    this.accepted.set(key, verdict);
  }
}

/**
 * scrypt verifications in flight are bounded: libuv's pool (4 threads) also
 * serves file and DNS work, and a flood of distinct wrong credentials must not
 * queue without end. Beyond the queue, verification answers "busy".
 */
const CONCURRENT = 2;
const QUEUED = 256;
let running = 0;
const waiting: (() => void)[] = [];

export const BUSY = Symbol('credential verification busy');

/** Checks a presented value against a stored secret; BUSY when too many checks are waiting already. */
export function verifyPresented(presented: string, stored: StoredSecret): Promise<boolean | typeof BUSY> {
  // The salted SHA-256 of earlier versions costs microseconds: no queue.
  if (!isSealed(stored)) return verifyStored(presented, stored);
  if (running >= CONCURRENT && waiting.length >= QUEUED) return Promise.resolve(BUSY);
  return new Promise<void>((resolve) => {
    if (running < CONCURRENT) {
      running++;
      resolve();
    } else waiting.push(resolve);
  }).then(() =>
    verifyStored(presented, stored)
      .catch(() => false)
      .finally(() => {
        const next = waiting.shift();
        if (next) next();
        else running--;
      }),
  );
}
