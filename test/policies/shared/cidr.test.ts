import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseIpRange } from '../../../src/manifest/formats.js';
import { addressWords, compileAddressMatcher, familyOf } from '../../../src/policies/shared/cidr.js';

const RANGES = [
  '10.0.0.0/8',
  '192.0.2.7',
  '192.168',
  '0.0.0.0/0',
  '203.0.113.128/25',
  '255.255.255.255/32',
  '128.0.0.0/1',
  '2001:db8::/32',
  '2001:db8:abcd:12::/64',
  '::/0',
  '::/64',
  '::/95',
  '::1',
  '::ffff:0:0/96',
  '::ffff:198.51.100.0/120',
  '::ffff:100:0/104',
  'fe80::/10',
  'ff00::/8',
  '2001:db8::1:0:0:1/128',
];

const ADDRESSES = [
  '10.20.30.40',
  '11.0.0.1',
  '192.0.2.7',
  '192.0.2.8',
  '192.168.255.1',
  '192.169.0.1',
  '203.0.113.127',
  '203.0.113.200',
  '255.255.255.255',
  '127.0.0.1',
  '0.0.0.0',
  '198.51.100.9',
  '1.2.3.4',
  '::ffff:10.1.2.3',
  '::ffff:192.0.2.8',
  '::ffff:198.51.100.9',
  '::ffff:c633:6409',
  '::1',
  '::',
  '::2',
  '2001:db8::1',
  '2001:db8:abcd:12::99',
  '2001:db8:abcd:13::1',
  '2001:db9::1',
  '2001:0db8:0000:0000:0001:0000:0000:0001',
  'fe80::1',
  'fe80::1%eth0',
  'febf:ffff::1',
  'fec0::1',
  'ff02::1',
  '1:2:3:4:5:6:7:8',
  '::ffff:0:1.2.3.4',
];

describe('compileAddressMatcher', () => {
  it('answers as node:net BlockList does, for every range and address here', () => {
    for (const range of RANGES) {
      const cidr = parseIpRange(range);
      if (!cidr) throw new Error(`bad range in the test: ${range}`);
      const oracle = new BlockList();
      oracle.addSubnet(cidr.address, cidr.prefix, cidr.family);
      const matches = compileAddressMatcher([range]);
      for (const address of ADDRESSES) {
        const family = familyOf(address.replace(/%.*/, ''));
        if (!family) throw new Error(`bad address in the test: ${address}`);
        const expected = oracle.check(address.replace(/%.*/, ''), family);
        expect({ range, address, match: matches(address) }).toEqual({ range, address, match: expected });
        // The remembered answer is the same answer.
        expect(matches(address)).toBe(expected);
      }
    }
  });

  it('matches when any of several ranges does', () => {
    const matches = compileAddressMatcher(['10.0.0.0/8', '2001:db8::/32', '192.0.2.7']);
    expect(['10.9.9.9', '2001:db8::5', '192.0.2.7', '::ffff:10.0.0.1'].map(matches)).toEqual([true, true, true, true]);
    expect(['11.0.0.1', '2001:db9::5', '192.0.2.6', '::1'].map(matches)).toEqual([false, false, false, false]);
  });

  it('matches nothing with no ranges, and never matches what is not an address', () => {
    expect(compileAddressMatcher([])('10.0.0.1')).toBe(false);
    const everything = compileAddressMatcher(['0.0.0.0/0', '::/0']);
    for (const text of ['', 'localhost', '10.0.0', '10.0.0.256', '1.2.3.4/8', '::g', 'unknown', ' 10.0.0.1'])
      expect(everything(text)).toBe(false);
  });

  it('refuses a range that is not one, at compile time', () => {
    expect(() => compileAddressMatcher(['10.0.0.0/33'])).toThrow(/not an IP address or range: 10\.0\.0\.0\/33/);
  });

  it('still answers correctly after forgetting what it remembered', () => {
    const matches = compileAddressMatcher(['10.0.0.0/8']);
    for (let i = 0; i < 5000; i++) matches(`11.0.${i >> 8}.${i & 255}`);
    expect(matches('10.0.0.1')).toBe(true);
    expect(matches('11.0.0.1')).toBe(false);
  });
});

describe('addressWords', () => {
  it('maps IPv4 into IPv6 and expands ::', () => {
    expect([...(addressWords('1.2.3.4') ?? [])]).toEqual([0, 0, 0xffff, 0x01020304]);
    expect([...(addressWords('::ffff:1.2.3.4') ?? [])]).toEqual([0, 0, 0xffff, 0x01020304]);
    expect([...(addressWords('2001:db8::1') ?? [])]).toEqual([0x20010db8, 0, 0, 1]);
    expect([...(addressWords('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff') ?? [])]).toEqual([-1, -1, -1, -1]);
    expect(addressWords('example.com')).toBeUndefined();
  });
});
