import { isIP } from 'node:net';
import { parseIpRange } from '../../manifest/formats.js';

/** Tells whether an address falls in a compiled list of ranges. */
export type AddressMatcher = (address: string) => boolean;

/**
 * Compiles addresses, CIDR ranges (IPv4 and IPv6) and leading IPv4 octets
 * (`192.168`) into plain arrays, matched in JavaScript. Every address is
 * compared as 128 bits, IPv4 as its IPv4-mapped IPv6 form (::ffff:1.2.3.4),
 * so IPv4 ranges match mapped addresses and the reverse, as node:net's
 * BlockList does. A BlockList per policy was a native object: at thousands of
 * APIs, the garbage collector's weak-handle work for those a reload replaced
 * stalled the data plane.
 */
export function compileAddressMatcher(ranges: readonly string[]): AddressMatcher {
  const networks = new Int32Array(ranges.length * 4);
  const masks = new Int32Array(ranges.length * 4);
  ranges.forEach((range, r) => {
    const cidr = parseIpRange(range);
    const words = cidr && addressWords(cidr.address);
    // The schema's formats already rejected these; fail the compile loudly rather than match nothing.
    if (!cidr || !words) throw new Error(`not an IP address or range: ${range}`);
    const prefix = cidr.family === 'ipv4' ? cidr.prefix + 96 : cidr.prefix;
    for (let i = 0; i < 4; i++) {
      const bits = Math.min(32, Math.max(0, prefix - 32 * i));
      const mask = bits === 0 ? 0 : -1 << (32 - bits);
      masks[r * 4 + i] = mask;
      networks[r * 4 + i] = (words[i] as number) & mask;
    }
  });
  // Remember answers for the addresses seen recently: most traffic comes from few clients.
  const answers = new Map<string, boolean>();
  return (address) => {
    const cached = answers.get(address);
    if (cached !== undefined) return cached;
    const words = addressWords(address);
    let answer = false;
    if (words) {
      const [w0, w1, w2, w3] = words as unknown as [number, number, number, number];
      for (let at = 0; at < networks.length && !answer; at += 4)
        answer =
          (w0 & (masks[at] as number)) === networks[at] &&
          (w1 & (masks[at + 1] as number)) === networks[at + 1] &&
          (w2 & (masks[at + 2] as number)) === networks[at + 2] &&
          (w3 & (masks[at + 3] as number)) === networks[at + 3];
    }
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

/**
 * The 128 bits of an IP address as four signed 32-bit words, IPv4 mapped
 * into IPv6 (::ffff:a.b.c.d); undefined when the text is not an IP address.
 * An IPv6 zone (`%eth0`) is left out.
 */
export function addressWords(address: string): Int32Array | undefined {
  const version = isIP(address);
  if (version === 4) return Int32Array.of(0, 0, 0xffff, ipv4Word(address));
  if (version !== 6) return undefined;
  const zone = address.indexOf('%');
  const text = zone === -1 ? address : address.slice(0, zone);
  const groups = ipv6Groups(text);
  const words = new Int32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i] as number) << 16) | (groups[2 * i + 1] as number);
  return words;
}

/** A dotted IPv4 address (already checked by isIP) as one 32-bit word. */
function ipv4Word(text: string): number {
  let word = 0;
  for (const octet of text.split('.')) word = (word << 8) | Number(octet);
  return word;
}

/** The eight 16-bit groups of an IPv6 address (already checked by isIP), `::` expanded, a trailing IPv4 part split in two. */
function ipv6Groups(text: string): number[] {
  const parse = (part: string): number[] => {
    if (part === '') return [];
    const groups: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const word = ipv4Word(piece);
        groups.push(word >>> 16, word & 0xffff);
      } else groups.push(Number.parseInt(piece, 16));
    }
    return groups;
  };
  const gap = text.indexOf('::');
  if (gap === -1) return parse(text);
  const head = parse(text.slice(0, gap));
  const tail = parse(text.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}
