import { describe, expect, it } from 'vitest';
import { decodeBase64Strictly } from '../../../src/policies/shared/basic-authorization.js';
import { queryParamOnce } from '../../../src/policies/shared/query.js';
import { isRepeatedHeader, markRepeatedHeaders } from '../../../src/policies/shared/repeated-headers.js';

describe('decodeBase64Strictly', () => {
  it('decodes canonical base64 only', () => {
    expect(decodeBase64Strictly('b3BzOnB3MQ==')).toBe('ops:pw1');
    expect(decodeBase64Strictly('YWJj')).toBe('abc');
    for (const bad of ['', 'b3BzOnB3MQ', 'b3BzOnB3MQ=', 'b3BzOnB3MQ===', 'b3BzOnB3MR==', 'b3Bz OnB3MQ==', 'b3BzOnB3MQ==x', '_-__', '=abc', '/w=='.slice(0, 3)]) {
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

describe('markRepeatedHeaders', () => {
  it('records the names node:http folded, and nothing when none repeats', () => {
    const once = { host: 'h', authorization: 'Basic x' };
    markRepeatedHeaders(once, ['Host', 'h', 'Authorization', 'Basic x']);
    expect(isRepeatedHeader(once, 'authorization')).toBe(false);
    // node:http keeps the first Authorization and joins unknown fields.
    const folded = { host: 'h', authorization: 'Basic x', client_id: 'a, b' };
    markRepeatedHeaders(folded, ['Host', 'h', 'Authorization', 'Basic x', 'authorization', 'Basic y', 'client_id', 'a', 'Client_Id', 'b']);
    expect(isRepeatedHeader(folded, 'authorization')).toBe(true);
    expect(isRepeatedHeader(folded, 'client_id')).toBe(true);
    expect(isRepeatedHeader(folded, 'host')).toBe(false);
    // The record is not a header: it is never iterated, so never forwarded.
    expect(Object.keys(folded)).toEqual(['host', 'authorization', 'client_id']);
    expect(JSON.stringify(folded)).toBe('{"host":"h","authorization":"Basic x","client_id":"a, b"}');
  });
});
