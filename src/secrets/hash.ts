import { hash, randomBytes } from 'node:crypto';
import type { HashedSecret } from '../manifest/types.js';

// Digests here are hex strings, not Buffers: on the request path, node's one-shot hash costs about a
// quarter as much with a string result as with a Buffer, whose memory the GC must track and free.

/** Salted SHA-256: what the gateway stores instead of a credential, and what plans compare. */
export function hashSecret(value: string, salt: string = randomBytes(16).toString('hex')): HashedSecret {
  return { salt, sha256: sha256Hex(`${salt}\0${value}`) };
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

/** Two hex digests compared in a time that does not depend on where they differ. */
export function sameDigest(a: string, b: string): boolean {
  // Digests of one algorithm have one length: a length check tells nothing about the secret.
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** Constant-time check of a presented credential against its stored hash. */
export function verifySecret(presented: string, stored: HashedSecret): boolean {
  return sameDigest(hashSecret(presented, stored.salt).sha256, stored.sha256);
}

/** Constant-time string comparison (admin tokens, usernames): hashed first, so neither length nor content leaks. */
export function safeEqual(a: string, b: string): boolean {
  return sameDigest(sha256Hex(a), sha256Hex(b));
}
