import { isIP } from 'node:net';
import { parseRedisUrl } from './redis-url.js';

/** Custom formats of the schemas, shared by the validator and the runtime. */

const DURATION = /^(\d+)(ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function isDuration(value: string): boolean {
  const m = DURATION.exec(value);
  return m !== null && Number(m[1]) > 0;
}

/** Whole milliseconds from a schema-valid duration (number or string). */
export function durationMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = DURATION.exec(value);
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * (UNIT_MS[m[2] as string] ?? 1);
}

export function parseCidr(value: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | undefined {
  const [address = '', prefixText, ...rest] = value.split('/');
  if (rest.length > 0) return undefined;
  const version = isIP(address);
  if (version === 0) return undefined;
  const max = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family: version === 4 ? 'ipv4' : 'ipv6' };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > max) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * An IP filter's range: a single address or CIDR range, or leading IPv4
 * octets (the reference's `192.168` = 192.168.0.0/16, `10.1.2` = 10.1.2.0/24).
 */
export function parseIpRange(value: string): ReturnType<typeof parseCidr> {
  if (/^\d{1,3}(\.\d{1,3}){0,2}$/.test(value)) {
    const octets = value.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    const address = [...octets, 0, 0, 0].slice(0, 4).join('.');
    return { address, prefix: octets.length * 8, family: 'ipv4' };
  }
  return parseCidr(value);
}

export function isRegex(value: string): boolean {
  try {
    new RegExp(value);
    return true;
  } catch {
    return false;
  }
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hash === '' && url.hostname !== '';
  } catch {
    return false;
  }
}

/** A sharedStorage URL the gateway can use (the gateway parses it with the same function). */
/** A redis URL the gateway can use as written: no password (that belongs in the gateway's environment, behind a reference). */
export function isRedisUrl(value: string): boolean {
  const target = parseRedisUrl(value);
  return !('problem' in target) && target.password === undefined;
}

export const FORMAT_EXPLANATIONS: Record<string, string> = {
  duration: 'a duration such as 250ms, 30s, 5m or 1h',
  cidr: 'an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32',
  'ip-range':
    'an IPv4 or IPv6 address, a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or leading IPv4 octets such as 192.168 (= 192.168.0.0/16)',
  regex: 'a valid regular expression',
  'http-url': 'an absolute http:// or https:// URL without a #fragment',
  'redis-url':
    'a redis:// or rediss:// URL without a password, such as redis://host:6379/0?timeout=100 (a URL with a password goes in an environment variable of the gateway, referenced as ${env:NAME})',
};
