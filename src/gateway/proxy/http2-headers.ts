import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The request headers of an HTTP/2 stream as policies and the upstream see
 * them, the same as over HTTP/1.1: no pseudo-headers (`:method`, `:path`,
 * `:authority`, `:scheme`), and `host` from `:authority`. Names are already
 * lower-case in h2.
 */
export function http1RequestHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const name in headers) {
    if (name.charCodeAt(0) === 58 /* : */) continue;
    out[name] = headers[name];
  }
  const authority = headers[':authority'];
  if (out.host === undefined && typeof authority === 'string') out.host = authority;
  return out;
}

/** Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2); Node throws on them rather than drop them. */
const FORBIDDEN_IN_H2 = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'host',
]);

/** Response headers safe to write on an h2 stream; the same object when nothing had to go. */
export function http2ResponseHeaders(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  let out: OutgoingHttpHeaders | undefined;
  for (const name in headers) {
    const lower = name.toLowerCase();
    if (!FORBIDDEN_IN_H2.has(lower) && lower.charCodeAt(0) !== 58) continue;
    out ??= { ...headers };
    delete out[name];
  }
  return out ?? headers;
}
