import type { IncomingHttpHeaders } from 'node:http';

/** The request's media type without parameters, lower-cased ('' when absent). */
export function requestMediaType(headers: IncomingHttpHeaders): string {
  const value = headers['content-type'];
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** The subtype of a lower-cased `type/subtype` ('' when there is none). */
export function subtypeOf(mediaType: string): string {
  const slash = mediaType.indexOf('/');
  return slash <= 0 ? '' : mediaType.slice(slash + 1);
}

/** True for `<type>/<suffix>` and `<type>/<anything>+<suffix>`, e.g. application/problem+json. */
export function hasStructuredSuffix(mediaType: string, type: string, suffix: string): boolean {
  if (!mediaType.startsWith(type) || mediaType.charCodeAt(type.length) !== 0x2f /* / */) return false;
  return isSuffixed(mediaType.slice(type.length + 1), suffix);
}

/** `suffix` itself, or `<anything>+suffix` (RFC 6839 structured syntax suffix). */
export function isSuffixed(subtype: string, suffix: string): boolean {
  return subtype === suffix || (subtype.endsWith(`+${suffix}`) && subtype.length > suffix.length + 1);
}
