import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HashedSecret } from '../manifest/types.js';

/** Salted SHA-256: what the gateway stores instead of a credential, and what plans compare. */
export function hashSecret(value: string, salt: string = randomBytes(16).toString('hex')): HashedSecret {
  return { salt, sha256: digest(salt, value) };
}

function digest(salt: string, value: string): string {
  return hash('sha256', `${salt}\0${value}`, 'hex');
}

/** One-shot SHA-256 (no Hash object): half the cost of createHash for the short inputs of the request path. */
export function sha256Buffer(value: string): Buffer {
  return hash('sha256', value, 'buffer');
}

/** Constant-time check of a presented credential against its stored hash. */
export function verifySecret(presented: string, stored: HashedSecret): boolean {
  return compileSecretCheck(stored)(presented);
}

/** verifySecret with the stored digest decoded once (policies compile it at reload, not per request). */
export function compileSecretCheck(stored: HashedSecret): (presented: string) => boolean {
  const expected = Buffer.from(stored.sha256, 'hex');
  const prefix = `${stored.salt}\0`;
  return (presented) => {
    const actual = sha256Buffer(prefix + presented);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
}

/** Constant-time string comparison (admin tokens, usernames). */
export function safeEqual(a: string, b: string): boolean {
  // Hash first so neither length nor content leaks through timing.
  return timingSafeEqual(sha256Buffer(a), sha256Buffer(b));
}
