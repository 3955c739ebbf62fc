import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import type { HeaderRemovalConfig } from './index.js';

/** Tells whether a header (lower-case name) is to be removed. */
type NameMatcher = (lowerName: string) => boolean;

/** A plain header name (no character a regular expression would read as an operator, '-' aside): compared as a name. */
const PLAIN_NAME = /^[!#%&'`~0-9A-Za-z_-]+$/;

/**
 * Removes the headers whose names match, case-insensitively and as a whole:
 * each entry is a name or a regular expression (`Access-Control.*` removes
 * every CORS response header), from the request sent upstream and from the
 * response sent back.
 */
export const create: PolicyFactory<HeaderRemovalConfig> = (config) => {
  const inbound = compileNames(config.inboundHeaders);
  const outbound = compileNames(config.outboundHeaders);
  const handlers: PolicyHandlers = {};
  if (inbound !== undefined) {
    handlers.request = (exchange) => {
      removeMatching(exchange.requestHeaders, inbound);
      return undefined;
    };
  }
  if (outbound !== undefined) handlers.response = (_exchange, response) => removeMatching(response.headers, outbound);
  return handlers;
};

function compileNames(entries: readonly string[]): NameMatcher | undefined {
  if (entries.length === 0) return undefined;
  const names = new Set<string>();
  const patterns: RegExp[] = [];
  for (const entry of entries) {
    if (PLAIN_NAME.test(entry)) names.add(entry.toLowerCase());
    // The schema's regex format checked it compiles.
    else patterns.push(new RegExp(`^(?:${entry})$`, 'i'));
  }
  if (patterns.length === 0) return (name) => names.has(name);
  return (name) => names.has(name) || patterns.some((pattern) => pattern.test(name));
}

function removeMatching(headers: IncomingHttpHeaders | OutgoingHttpHeaders, matches: NameMatcher): void {
  for (const key in headers) if (matches(key.toLowerCase())) delete headers[key];
}
