import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HashedSecret } from '../manifest/types.js';

/** Salted SHA-256: what the gateway stores instead of a credential, and what plans compare. */
export function hashSecret(value: string, salt: string = randomBytes(16).toString('hex')): HashedSecret {
  return { salt, sha256: digest(salt, value) };
}

function digest(salt: string, value: string): string {
  return createHash('sha256').update(salt).update('\0').update(value).digest('hex');
}

/** Constant-time check of a presented credential against its stored hash. */
export function verifySecret(presented: string, stored: HashedSecret): boolean {
  const expected = Buffer.from(stored.sha256, 'hex');
  const actual = createHash('sha256').update(stored.salt).update('\0').update(presented).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Constant-time string comparison (admin tokens, usernames). */
export function safeEqual(a: string, b: string): boolean {
  // Hash first so neither length nor content leaks through timing.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
