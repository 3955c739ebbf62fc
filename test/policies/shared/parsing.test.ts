import { describe, expect, it } from 'vitest';
import { parseBasicAuthorization } from '../../../src/policies/shared/basic-authorization.js';
import { addressOfHop } from '../../../src/policies/shared/client-ip.js';
import { queryParam } from '../../../src/policies/shared/query.js';

describe('queryParam', () => {
  it('finds the first value of a parameter and decodes it', () => {
    expect(queryParam('a=1&client_id=x%2By+z&client_id=second', 'client_id')).toBe('x+y z');
    expect(queryParam('flag&b=2', 'flag')).toBe('');
    expect(queryParam('ab=1', 'a')).toBeUndefined();
    expect(queryParam('', 'a')).toBeUndefined();
    expect(queryParam('a=%E0%A4%A', 'a')).toBe('%E0%A4%A'); // malformed escape: raw text
  });
});

describe('addressOfHop', () => {
  it('accepts addresses with ports, brackets and zones, and nothing else', () => {
    expect(addressOfHop(' 203.0.113.9:5555 ')).toBe('203.0.113.9');
    expect(addressOfHop('[2001:db8::5]:443')).toBe('2001:db8::5');
    expect(addressOfHop('2001:db8::5')).toBe('2001:db8::5');
    expect(addressOfHop('fe80::1%eth0')).toBe('fe80::1');
    expect(addressOfHop('unknown')).toBeUndefined();
    expect(addressOfHop('[::1')).toBeUndefined();
  });
});

describe('parseBasicAuthorization', () => {
  const encode = (text: string) => Buffer.from(text).toString('base64');
  it('splits at the first colon and accepts any scheme case', () => {
    expect(parseBasicAuthorization(`BASIC ${encode('id:pa:ss')}`)).toEqual({ user: 'id', password: 'pa:ss' });
    expect(parseBasicAuthorization(`Basic ${encode('no-colon')}`)).toBeUndefined();
    expect(parseBasicAuthorization('Bearer x')).toBeUndefined();
    expect(parseBasicAuthorization(undefined)).toBeUndefined();
  });
});
