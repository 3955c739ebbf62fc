import { createHmac, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { HashedSecret, SealedSecret, SecretValue } from '../manifest/types.js';
import { verifySecret } from './hash.js';

/**
 * How the gateway keeps a credential: scrypt with a random salt per secret and
 * its parameters beside the digest (N = 2^14, r = 8, p = 1: 16 MiB and about
 * 30 ms per guess here, against 0.76 M guesses/s of the salted SHA-256 before).
 *
 * Beside it, `check`: an HMAC-SHA256 of the value and where it stands, keyed by
 * a key derived from the node's admin token. Whoever plans against the node
 * holds that token and compares a value with the stored secret through `check`
 * at HMAC speed, without scrypt; an output, a state file or a dump read
 * without the token reveals nothing a guess could be tested against faster
 * than scrypt. (A token holder can reconfigure the node anyway.)
 */
export const SCRYPT = Object.freeze({ N: 2 ** 14, r: 8, p: 1 });
const KEY_BYTES = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export function isSealed(value: unknown): value is SealedSecret {
  const v = value as Partial<SealedSecret> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    v.kdf === 'scrypt' &&
    typeof v.salt === 'string' &&
    typeof v.hash === 'string'
  );
}

/** The salted SHA-256 digests of earlier versions: still verified, rewritten as scrypt by the next apply that sends the value. */
export function isLegacyHashed(value: unknown): value is HashedSecret {
  const v = value as Partial<HashedSecret> | null;
  return typeof v === 'object' && v !== null && typeof v.salt === 'string' && typeof v.sha256 === 'string';
}

export type StoredSecret = SealedSecret | HashedSecret;

export function isStored(value: unknown): value is StoredSecret {
  return isSealed(value) || isLegacyHashed(value);
}

/** The key `check` values are made with, derived from the node's admin token. */
export function secretCheckKey(adminToken: string): string {
  return createHmac('sha256', adminToken).update('tollgate secret check v1').digest('hex');
}

/** Where a secret stands: part of its check, so equal values in two places do not look alike. */
export function secretLocation(environment: string, ...path: string[]): string {
  return [environment, ...path].join('/');
}

export function secretCheck(key: string, location: string, value: string): string {
  return createHmac('sha256', key).update(location).update('\0').update(value).digest('hex');
}

export async function sealSecret(value: string, location: string, key: string): Promise<SealedSecret> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(value, salt, SCRYPT);
  return {
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64'),
    hash: hash.toString('base64'),
    check: secretCheck(key, location, value),
  };
}

/** A presented credential against the stored one, in constant time; scrypt runs on libuv's thread pool. */
export async function verifyStored(presented: string, stored: StoredSecret): Promise<boolean> {
  if (!isSealed(stored)) return verifySecret(presented, stored);
  const expected = Buffer.from(stored.hash, 'base64');
  const actual = await scryptAsync(
    presented,
    Buffer.from(stored.salt, 'base64'),
    { N: stored.N, r: stored.r, p: stored.p },
    expected.length,
  );
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function scryptAsync(
  value: string,
  salt: Buffer,
  params: { N: number; r: number; p: number },
  length = KEY_BYTES,
): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: MAX_MEMORY };
  return new Promise((resolve, reject) =>
    scrypt(value, salt, length, options, (err, derived) => (err ? reject(err) : resolve(derived))),
  );
}

/** What plans and fingerprints compare a secret by: its check when it has one, else the stored value itself. */
export function comparableSecret(value: SecretValue | undefined): SecretValue | { check: string } | undefined {
  return isSealed(value) && value.check !== undefined ? { check: value.check } : value;
}
