import type { SecretValue } from '../manifest/types.js';
import { isHashed } from '../gateway/state/seal-secrets.js';
import { verifySecret } from '../secrets/hash.js';

export const SECRET_MASK = '(secret)';

/**
 * Equality of two secrets without revealing either: a value against a stored
 * hash is checked through the hash; two hashes must be the same hash.
 */
export function sameSecret(desired: SecretValue | undefined, live: SecretValue | undefined): boolean {
  if (desired === undefined || live === undefined) return desired === live;
  if (typeof desired === 'string' && typeof live === 'string') return desired === live;
  if (typeof desired === 'string' && isHashed(live)) return verifySecret(desired, live);
  if (isHashed(desired) && typeof live === 'string') return verifySecret(live, desired);
  if (isHashed(desired) && isHashed(live)) return desired.salt === live.salt && desired.sha256 === live.sha256;
  return false;
}
