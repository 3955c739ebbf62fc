import type { IncomingHttpHeaders } from 'node:http';

/**
 * Which header fields a request carried more than once. node:http folds
 * repeats before any policy sees them: unknown fields (client_id) are joined
 * with ", ", and a second Authorization is dropped silently. So the gateway
 * records the repeated names from the raw header list, on the headers object
 * itself (a non-enumerable symbol key: never forwarded, never iterated), and
 * credential readers refuse a credential that came more than once.
 */
const REPEATED = Symbol.for('tollgate.repeated-header-names');

type MarkedHeaders = IncomingHttpHeaders & { [REPEATED]?: ReadonlySet<string> };

/** Records the repeated field names of `rawHeaders` (name, value, name, value, …) on `headers`. */
export function markRepeatedHeaders(headers: IncomingHttpHeaders, rawHeaders: readonly string[]): void {
  // Fast path, the common case: as many distinct names as fields, so none repeats.
  let distinct = 0;
  for (const _ in headers) distinct++;
  if (distinct * 2 === rawHeaders.length) return;
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = (rawHeaders[i] ?? '').toLowerCase();
    if (seen.has(name)) repeated.add(name);
    else seen.add(name);
  }
  if (repeated.size) Object.defineProperty(headers, REPEATED, { value: repeated, enumerable: false });
}

/** Whether the request carried the header (lower-case name) more than once. */
export function isRepeatedHeader(headers: IncomingHttpHeaders, lowerName: string): boolean {
  return (headers as MarkedHeaders)[REPEATED]?.has(lowerName) === true || Array.isArray(headers[lowerName]);
}
