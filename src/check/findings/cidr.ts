import { type parseCidr, parseIpRange } from '../../manifest/formats.js';
import { compileAddressMatcher } from '../../policies/shared/cidr.js';

type Range = NonNullable<ReturnType<typeof parseCidr>>;

/** Shorter prefixes than these are "very broad": more than a /8 of IPv4, or than a /32 (a whole ISP) of IPv6. */
const BROAD_PREFIX = { ipv4: 8, ipv6: 32 } as const;

/** `outer` contains all of `inner` and more. */
function strictlyContains(outer: Range, inner: Range): boolean {
  if (outer.family !== inner.family || outer.prefix >= inner.prefix) return false;
  // Every address of inner shares its first inner.prefix bits, so one of them decides.
  return compileAddressMatcher([`${outer.address}/${outer.prefix}`])(inner.address);
}

export interface Widening {
  /** Index of the new range in the head's list. */
  index: number;
  range: string;
  /** every: admits every address; contains: contains a former range; broad: very broad. */
  kind: 'every' | 'contains' | 'broad';
  /** For 'contains': the former range. */
  former?: string;
}

/** New ranges of `after` that admit every address, contain a former range, or are very broad. */
export function wideningRanges(before: readonly string[], after: readonly string[]): Widening[] {
  const previous = new Set(before);
  const formerRanges = before
    .map((r) => ({ text: r, range: parseIpRange(r) }))
    .filter((r): r is { text: string; range: Range } => r.range !== undefined);
  const out: Widening[] = [];
  after.forEach((text, index) => {
    if (previous.has(text)) return;
    const range = parseIpRange(text);
    if (!range) return;
    if (range.prefix === 0) return out.push({ index, range: text, kind: 'every' });
    const former = formerRanges.find((f) => strictlyContains(range, f.range));
    if (former) return out.push({ index, range: text, kind: 'contains', former: former.text });
    if (range.prefix < BROAD_PREFIX[range.family]) out.push({ index, range: text, kind: 'broad' });
    return undefined;
  });
  return out;
}

export function describeWidening(w: Widening): string {
  if (w.kind === 'every') return `${w.range} admits every address`;
  if (w.kind === 'contains') return `${w.range} contains the former ${w.former} and more`;
  return `${w.range} is very broad`;
}
