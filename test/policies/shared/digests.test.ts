import { describe, expect, it } from 'vitest';
import { matchesSecret, sameDigest, sha256Hex } from '../../../src/policies/shared/digests.js';
import { hashSecret } from '../../../src/secrets/hash.js';

describe('request-path digests', () => {
  it('sameDigest tells equal digests from ones that differ anywhere, or in length', () => {
    const digest = sha256Hex('ops');
    expect(sameDigest(digest, sha256Hex('ops'))).toBe(true);
    const flip = (at: number) => digest.slice(0, at) + (digest[at] === '0' ? '1' : '0') + digest.slice(at + 1);
    expect(sameDigest(digest, flip(0))).toBe(false);
    expect(sameDigest(digest, flip(digest.length - 1))).toBe(false);
    expect(sameDigest(digest, digest.slice(1))).toBe(false);
  });

  it('matchesSecret checks a presented secret against its salted hash as secrets/hash.ts stores it', () => {
    const stored = hashSecret('s3cret:with-colon');
    expect(matchesSecret('s3cret:with-colon', stored)).toBe(true);
    expect(matchesSecret('s3cret', stored)).toBe(false);
    expect(matchesSecret('s3cret:with-colon', { ...stored, salt: 'another-salt' })).toBe(false);
  });
});
