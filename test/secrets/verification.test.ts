import { describe, expect, it } from 'vitest';
import { VerifiedCredentials, presentedKey } from '../../src/secrets/verification.js';

describe('the verified-credential cache', () => {
  it('names each list of presented parts apart, and never by the values', () => {
    const keys = [
      presentedKey('a:b', 'c'),
      presentedKey('a', 'b:c'),
      presentedKey('a\0b', 'c'),
      presentedKey('a', 'b\0c'),
      presentedKey('ab', 'c'),
      presentedKey('abc'),
      presentedKey('a', 'bc'),
      presentedKey('', 'abc'),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(presentedKey('ops', 's3cret')).toBe(presentedKey('ops', 's3cret'));
    expect(presentedKey('ops', 's3cret')).not.toMatch(/ops|s3cret/);
  });

  it('bounds accepted and refused verdicts apart: wrong guesses never evict an accepted credential', () => {
    const cache = new VerifiedCredentials<string>(3);
    cache.remember('good', 'partner');
    for (let i = 0; i < 100; i++) cache.remember(`guess-${i}`, false);
    expect(cache.lookup('good')).toBe('partner');
    expect(cache.lookup('guess-99')).toBe(false);
    expect(cache.lookup('guess-0')).toBeUndefined();
    for (let i = 0; i < 3; i++) cache.remember(`client-${i}`, `c${i}`);
    expect(cache.lookup('good')).toBeUndefined();
    expect(cache.lookup('client-2')).toBe('c2');
  });
});
