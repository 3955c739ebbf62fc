/**
 * The one normalized path of a request (Envoy's `normalize_path` + `merge_slashes`
 * + `path_with_escaped_slashes_action` are the model). Routing, policy rules and
 * the upstream all see this path, so no policy can be skipped by spelling a path
 * differently. Applied once per request, before routing.
 *
 * - percent-encodings of unreserved characters (A-Z a-z 0-9 - . _ ~) are decoded,
 *   in any case; every other percent-encoding is kept, its hex upper-cased;
 * - printable characters a URI may not hold raw (`"<>[]^`{|}`) are percent-encoded;
 * - dot segments are removed (RFC 3986 §5.2.4) and repeated slashes merged;
 * - refused (400): an invalid percent-encoding, an encoded NUL, a raw backslash,
 *   a fragment, a target that is not a path, a path that climbs above `/`, and
 *   encoded slashes or backslashes (%2F, %5C) unless `escapedSlashes: keep`
 *   passes them through unchanged (still encoded: routing never splits on them).
 *
 * Paths are case-sensitive (RFC 3986 §6.2.2.1); `;` is an ordinary character.
 */
export interface PathOptions {
  escapedSlashes: 'reject' | 'keep';
}

export const DEFAULT_PATH_OPTIONS: Readonly<PathOptions> = Object.freeze({ escapedSlashes: 'reject' });

export interface PathRejection {
  rejected: string;
}

export function normalizeRequestPath(
  raw: string,
  options: Readonly<PathOptions> = DEFAULT_PATH_OPTIONS,
): string | PathRejection {
  if (raw.charCodeAt(0) !== SLASH) return { rejected: 'the request target must be a path starting with /' };
  return isNormal(raw) ? raw : normalizeSlowly(raw, options);
}

export function isRejection(value: string | PathRejection): value is PathRejection {
  return typeof value !== 'string';
}

const SLASH = 0x2f;
const DOT = 0x2e;
const PERCENT = 0x25;

/** Characters a path may hold as they are (RFC 3986 pchar without '%', plus '/'). */
const PLAIN = new Uint8Array(128);
for (const c of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/")
  PLAIN[c.charCodeAt(0)] = 1;
const UNRESERVED = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~') UNRESERVED[c.charCodeAt(0)] = 1;
const HEX = '0123456789ABCDEF';

/** The common case, checked in one pass: nothing to decode, no dot segment, no empty segment. */
function isNormal(path: string): boolean {
  let previousSlash = false;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 128 || PLAIN[c] === 0) return false;
    if (c === SLASH) {
      if (previousSlash) return false;
      previousSlash = true;
    } else {
      // A segment that starts with a dot may be "." or "..": let the slow path look.
      if (previousSlash && c === DOT) return false;
      previousSlash = false;
    }
  }
  return true;
}

function normalizeSlowly(path: string, options: Readonly<PathOptions>): string | PathRejection {
  // Decode what must be decoded, segment by segment (a kept %2F never splits a segment).
  const segments: string[] = [];
  let segment = '';
  for (let i = 1; i <= path.length; i++) {
    if (i === path.length) {
      segments.push(segment);
      break;
    }
    const c = path.charCodeAt(i);
    if (c === SLASH) {
      segments.push(segment);
      segment = '';
    } else if (c === PERCENT) {
      const byte = hexByte(path, i + 1);
      if (byte === undefined) return { rejected: 'invalid percent-encoding in the path' };
      i += 2;
      if (byte === 0) return { rejected: 'an encoded NUL (%00) in the path' };
      if (byte === SLASH || byte === 0x5c) {
        if (options.escapedSlashes === 'reject')
          return { rejected: 'an encoded slash or backslash (%2F, %5C) in the path' };
        segment += byte === SLASH ? '%2F' : '%5C';
      } else if (byte < 128 && UNRESERVED[byte] === 1) segment += String.fromCharCode(byte);
      else segment += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
    } else if (c === 0x5c) {
      return { rejected: 'a backslash in the path' };
    } else if (c === 0x23) {
      return { rejected: 'a fragment (#) in the request target' };
    } else if (c < 128 && PLAIN[c] === 1) {
      segment += path[i];
    } else if (c > 0x20 && c < 0x7f) {
      // Printable but not allowed raw ({, |, ^, ...): one spelling, the encoded one.
      segment += `%${HEX[c >> 4]}${HEX[c & 15]}`;
    } else {
      return { rejected: 'a character that is not allowed in a path' };
    }
  }
  // Remove dot segments and empty segments (merged slashes); keep a trailing slash.
  const out: string[] = [];
  const last = segments.length - 1;
  let trailingSlash = false;
  for (let s = 0; s <= last; s++) {
    const part = segments[s] as string;
    if (part === '..') {
      if (out.length === 0) return { rejected: 'the path climbs above /' };
      out.pop();
      trailingSlash = s === last;
    } else if (part === '.' || part === '') {
      trailingSlash = s === last;
    } else {
      out.push(part);
      trailingSlash = false;
    }
  }
  if (out.length === 0) return '/';
  return `/${out.join('/')}${trailingSlash ? '/' : ''}`;
}

/** The byte of the two hex digits at `at` (charCodeAt past the end is NaN: not a digit). */
function hexByte(text: string, at: number): number | undefined {
  const high = hexValue(text.charCodeAt(at));
  const low = hexValue(text.charCodeAt(at + 1));
  return high === -1 || low === -1 ? undefined : high * 16 + low;
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}
