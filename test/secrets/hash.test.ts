import { describe, expect, it } from 'vitest';
import { hashSecret, safeEqual, sameDigest, sha256Hex, verifySecret } from '../../src/secrets/hash.js';

describe('secret digests', () => {
  it('sameDigest tells equal digests from ones that differ anywhere, or in length', () => {
    const digest = sha256Hex('ops');
    expect(sameDigest(digest, sha256Hex('ops'))).toBe(true);
    const flip = (at: number) => digest.slice(0, at) + (digest[at] === '0' ? '1' : '0') + digest.slice(at + 1);
    expect(sameDigest(digest, flip(0))).toBe(false);
    expect(sameDigest(digest, flip(digest.length - 1))).toBe(false);
    expect(sameDigest(digest, digest.slice(1))).toBe(false);
  });

  it('verifySecret checks a presented secret against its salted hash', () => {
    const stored = hashSecret('s3cret:with-colon');
    expect(verifySecret('s3cret:with-colon', stored)).toBe(true);
    expect(verifySecret('s3cret', stored)).toBe(false);
    expect(verifySecret('s3cret:with-colon', { ...stored, salt: 'another-salt' })).toBe(false);
  });

  it('safeEqual compares strings of any length', () => {
    expect(safeEqual('admin-token', 'admin-token')).toBe(true);
    expect(safeEqual('admin-token', 'admin-token-')).toBe(false);
    expect(safeEqual('', 'x')).toBe(false);
  });
});
