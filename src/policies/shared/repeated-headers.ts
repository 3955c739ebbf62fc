import type { Exchange } from '../sdk/index.js';

/** Whether the request carried the header (lower-case name) more than once: a credential sent twice is ambiguous. */
export function isRepeatedHeader(exchange: Exchange, lowerName: string): boolean {
  return Array.isArray(exchange.requestHeaders[lowerName]) || exchange.headerCount(lowerName) > 1;
}
