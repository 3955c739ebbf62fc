import type { SecretValue } from '../manifest/types.js';
import { deepEqual } from '../gateway/state/digest.js';

export const SECRET_MASK = '(secret)';

/**
 * Equality of two secrets in comparable form (secrets/comparable.ts): a value
 * and a stored secret were both reduced to their keyed check, so equal values
 * compare equal without either being revealed; anything else must be the same.
 */
export function sameSecret(
  desired: SecretValue | { check: string } | undefined,
  live: SecretValue | { check: string } | undefined,
): boolean {
  return deepEqual(desired, live);
}
