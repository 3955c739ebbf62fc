import { describe, expect, it } from 'vitest';
import { decodeBase64Strictly } from '../../../src/policies/shared/basic-authorization.js';
import { queryParamOnce } from '../../../src/policies/shared/query.js';

describe('decodeBase64Strictly', () => {
  it('decodes canonical base64 only', () => {
    expect(decodeBase64Strictly('b3BzOnB3MQ==')).toBe('ops:pw1');
    expect(decodeBase64Strictly('YWJj')).toBe('abc');
    for (const bad of [
      '',
      'b3BzOnB3MQ',
      'b3BzOnB3MQ=',
      'b3BzOnB3MQ===',
      'b3BzOnB3MR==',
      'b3Bz OnB3MQ==',
      'b3BzOnB3MQ==x',
      '_-__',
      '=abc',
      '/w=='.slice(0, 3),
    ]) {
      expect(decodeBase64Strictly(bad), bad).toBeUndefined();
    }
    // Valid base64, but not UTF-8.
    expect(decodeBase64Strictly(Buffer.from([0xff, 0x3a, 0x61]).toString('base64'))).toBeUndefined();
  });
});

describe('queryParamOnce', () => {
  it('tells a repeated parameter, however its name is spelt', () => {
    expect(queryParamOnce('client_id=a&x=1', 'client_id')).toEqual({ value: 'a', repeated: false });
    expect(queryParamOnce('client_id=a&client_id=b', 'client_id')).toEqual({ value: 'a', repeated: true });
    expect(queryParamOnce('client_id=a&client%5fid=b', 'client_id')).toEqual({ value: 'a', repeated: true });
    expect(queryParamOnce('client_id&client_id=', 'client_id')).toEqual({ value: '', repeated: true });
    expect(queryParamOnce('x=1', 'client_id')).toEqual({ value: undefined, repeated: false });
  });
});
