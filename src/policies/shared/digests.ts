import { hash } from 'node:crypto';
import type { HashedSecret } from '../../manifest/types.js';
import { hashSecret } from '../../secrets/hash.js';

// Digests on the request path are hex strings, not Buffers: node's one-shot hash costs about a
// quarter as much with a string result as with a Buffer, whose memory the GC must track and free.

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

/** Whether `presented` is the secret stored as `stored` (salted SHA-256, secrets/hash.ts), in constant time. */
export function matchesSecret(presented: string, stored: HashedSecret): boolean {
  return sameDigest(hashSecret(presented, stored.salt).sha256, stored.sha256);
}
