import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'host',
]);

function connectionListed(headers: IncomingHttpHeaders | Record<string, unknown>): Set<string> | undefined {
  const connection = headers.connection;
  if (typeof connection !== 'string' || connection === 'keep-alive' || connection === 'close') return undefined;
  return new Set(connection.split(',').map((h) => h.trim().toLowerCase()));
}

export interface ForwardedFor {
  remoteAddress: string;
  proto: string;
  host: string;
  prefix: string;
}

export function upstreamRequestHeaders(
  headers: IncomingHttpHeaders,
  forwarded: ForwardedFor,
): Record<string, string | string[]> {
  const listed = connectionListed(headers);
  const out: Record<string, string | string[]> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  const prior = headers['x-forwarded-for'];
  out['x-forwarded-for'] = prior
    ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${forwarded.remoteAddress}`
    : forwarded.remoteAddress;
  out['x-forwarded-proto'] = forwarded.proto;
  if (forwarded.host) out['x-forwarded-host'] = forwarded.host;
  if (forwarded.prefix !== '/') out['x-forwarded-prefix'] = forwarded.prefix;
  return out;
}

export function clientResponseHeaders(headers: Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed?.has(name)) continue;
    out[name] = value;
  }
  return out;
}
