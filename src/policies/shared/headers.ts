import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** The first value of a header (lower-case name), or undefined. */
export function firstHeader(headers: IncomingHttpHeaders, lowerName: string): string | undefined {
  const value = headers[lowerName];
  return Array.isArray(value) ? value[0] : value;
}

/** A header's value as one string (repeated values joined as HTTP would fold them), or undefined. */
export function joinedHeader(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  lowerName: string,
): string | undefined {
  const value = headers[lowerName];
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Deletes the named headers whatever the case of their keys (names given lower-case). */
export function deleteHeaders(
  headers: IncomingHttpHeaders | OutgoingHttpHeaders,
  lowerNames: ReadonlySet<string>,
): void {
  for (const key in headers) {
    if (lowerNames.has(key.toLowerCase())) delete headers[key];
  }
}

/** Appends a token to a comma-separated header (e.g. Vary) unless it is already listed. */
export function appendToken(headers: OutgoingHttpHeaders, lowerName: string, token: string): void {
  const current = headers[lowerName];
  if (current === undefined || current === '') {
    headers[lowerName] = token;
    return;
  }
  const text = Array.isArray(current) ? current.join(', ') : String(current);
  const lowerToken = token.toLowerCase();
  for (const part of text.split(',')) {
    const trimmed = part.trim().toLowerCase();
    if (trimmed === lowerToken || trimmed === '*') return;
  }
  headers[lowerName] = `${text}, ${token}`;
}
