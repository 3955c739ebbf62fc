import { BlockList, isIP } from 'node:net';
import { parseIpRange } from '../../manifest/formats.js';

/** Tells whether an address falls in a compiled list of ranges. */
export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles addresses, CIDR ranges (IPv4 and IPv6) and leading IPv4 octets
 * (`192.168`) into a node:net BlockList.
 * BlockList matches IPv4-mapped IPv6 addresses (::ffff:1.2.3.4) against IPv4
 * ranges and the reverse, so callers need not unwrap them.
 */
export function compileAddressMatcher(ranges: readonly string[]): AddressMatcher {
  const list = new BlockList();
  for (const range of ranges) {
    const cidr = parseIpRange(range);
    // The schema's formats already rejected these; fail the compile loudly rather than match nothing.
    if (cidr === undefined) throw new Error(`not an IP address or range: ${range}`);
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }
  // BlockList.check builds a SocketAddress per call: remember answers for the addresses seen recently.
  const answers = new Map<string, boolean>();
  return (address) => {
    const cached = answers.get(address);
    if (cached !== undefined) return cached;
    const family = familyOf(address);
    const answer = family !== undefined && list.check(address, family);
    if (answers.size >= MAX_REMEMBERED) answers.clear();
    answers.set(address, answer);
    return answer;
  };
}

/** Bounds the memory of a matcher facing many distinct clients; clearing is cheaper than LRU bookkeeping. */
const MAX_REMEMBERED = 4096;

/** 'ipv4', 'ipv6' or undefined when the text is not a plain IP address. */
export function familyOf(address: string): 'ipv4' | 'ipv6' | undefined {
  const version = isIP(address);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : undefined;
}
