import type { IncomingHttpHeaders } from 'node:http';

/** The request's media type without parameters, lower-cased ('' when absent). */
export function requestMediaType(headers: IncomingHttpHeaders): string {
  const value = headers['content-type'];
  if (value === undefined) return '';
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** True for `<type>/<suffix>` and `<type>/<anything>+<suffix>`, e.g. application/problem+json. */
export function hasStructuredSuffix(mediaType: string, type: string, suffix: string): boolean {
  if (!mediaType.startsWith(type) || mediaType.charCodeAt(type.length) !== 0x2f /* / */) return false;
  const subtype = mediaType.slice(type.length + 1);
  return subtype === suffix || (subtype.endsWith(`+${suffix}`) && subtype.length > suffix.length + 1);
}
