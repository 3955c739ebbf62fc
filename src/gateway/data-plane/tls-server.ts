import http2, {
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataPlaneRuntime } from './runtime.js';

type Handler = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse) => void;

/** How long an idle HTTP/2 session is kept (fastify's default for http2SessionTimeout). */
const SESSION_IDLE_MS = 72_000;
const DEADLINE_CHECK_MS = 1_000;

/** What an allowHTTP1 server has of http.Server in Node 20, missing from its types. */
interface Http1Bounds {
  requestTimeout: number;
  headersTimeout: number;
  connectionsCheckingInterval: number;
  closeIdleConnections(): void;
}

export interface TlsServer {
  server: Http2SecureServer;
  /** Graceful: a GOAWAY to every session, whose streams in flight still finish; then idle HTTP/1.1 connections close. */
  closeConnections(): void;
}

/**
 * The HTTPS listener: HTTP/2 and HTTP/1.1 by ALPN, with the certificates of
 * the applied state. SNI picks a context from the runtime's current ones on
 * every handshake, and the default context (version, ciphers, the default
 * certificate) is replaced when a new state's certificates are committed:
 * new handshakes use the new certificates, connections in flight keep theirs.
 * Until a state with certificates is applied, handshakes fail.
 */
export function createTlsServer(
  runtime: DataPlaneRuntime,
  handler: Handler,
  options: { requestTimeoutMs: number },
): TlsServer {
  const server = http2.createSecureServer(
    {
      allowHTTP1: true,
      minVersion: 'TLSv1.2',
      SNICallback: (servername, done) => done(null, runtime.tls?.forServerName(servername)),
    },
    withH2Deadline(handler, options.requestTimeoutMs),
  );
  // HTTP/1.1 on this listener gets the same bounds as on the plain one (Node reads these from an allowHTTP1 server).
  const h1 = server as unknown as Http1Bounds;
  h1.requestTimeout = options.requestTimeoutMs;
  h1.headersTimeout = Math.min(options.requestTimeoutMs, 60_000);
  h1.connectionsCheckingInterval = DEADLINE_CHECK_MS;
  runtime.onTlsChange((contexts) => server.setSecureContext(contexts?.defaultOptions ?? { minVersion: 'TLSv1.2' }));
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.setTimeout(SESSION_IDLE_MS, () => session.close());
  });
  // A client that fails the handshake (no certificate for it yet, an old TLS version) is simply disconnected.
  server.on('tlsClientError', () => undefined);
  return {
    server,
    closeConnections: () => {
      for (const session of sessions) session.close();
      h1.closeIdleConnections();
    },
  };
}

/**
 * Node bounds the time an HTTP/1.1 request may take to arrive, not an h2
 * stream's: a stream whose request is still arriving after the request
 * timeout gets 408 and is reset, as HTTP/1.1 gets 408. One sweep a second
 * over the streams in flight, no timer per request.
 */
function withH2Deadline(handler: Handler, timeoutMs: number): Handler {
  const inFlight = new Map<Http2ServerRequest, { res: Http2ServerResponse; started: number }>();
  let sweep: NodeJS.Timeout | undefined;
  const check = () => {
    const now = performance.now();
    for (const [req, entry] of inFlight) {
      if (now - entry.started < timeoutMs) continue;
      inFlight.delete(req);
      if (req.complete) continue;
      const stream = req.stream;
      if (!entry.res.headersSent && !stream.destroyed) {
        entry.res.writeHead(408, { 'content-type': 'application/json; charset=utf-8' });
        entry.res.end(JSON.stringify({ error: `the request did not arrive within ${timeoutMs} ms` }), () =>
          stream.close(http2.constants.NGHTTP2_CANCEL),
        );
      } else stream.close(http2.constants.NGHTTP2_CANCEL);
    }
    if (inFlight.size === 0 && sweep) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };
  return (req, res) => {
    if (req.httpVersionMajor === 2) {
      const h2req = req as Http2ServerRequest;
      inFlight.set(h2req, { res: res as Http2ServerResponse, started: performance.now() });
      res.once('close', () => inFlight.delete(h2req));
      if (!sweep) {
        sweep = setInterval(check, DEADLINE_CHECK_MS);
        sweep.unref();
      }
    }
    handler(req, res);
  };
}
