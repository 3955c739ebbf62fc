import type { Http2ServerRequest } from 'node:http2';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { CompiledApi } from '../chain/compiled.js';
import type { Reply, ResponseView } from '../chain/types.js';
import { OUTCOME } from '../metrics/cells.js';
import { upstreamRequestHeaders } from '../proxy/headers.js';
import { runRequestPass, runResponsePass, type RequestPass } from '../chain/run.js';
import { sendReply } from './send-reply.js';
import { observe, type Recording } from './observe.js';
import { GatewayExchange } from './exchange.js';
import { http1RequestHeaders } from '../proxy/http2-headers.js';
import { ProxiedResponse } from './proxied-response.js';
import { isRejection, normalizeRequestPath, type PathOptions } from './request-path.js';
import { pathBelow, type RouteTable } from './route-table.js';

/** What the data plane serves from: swapped as a whole on reload, read once per request. */
export interface Serving {
  table: RouteTable;
  /** undefined when ready; otherwise why every API answers 503 (gatekeeper). */
  notReady: string | undefined;
  pathOptions: Readonly<PathOptions>;
  /** Set when the environment redirects plain HTTP to its TLS listener on this port. */
  httpsRedirectPort: number | undefined;
  /** Set when the environment writes access records. */
  records?: Recording | undefined;
}

/**
 * Not async: the reply is sent (or hijacked) later, from the request pass's
 * continuation or from undici's callbacks, so fastify must not wait on a promise.
 */
export function handleRequest(
  serving: Serving,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: Logger,
  proto: 'http' | 'https' = 'http',
): void {
  const startedAt = performance.now();
  const raw = request.raw;
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  const remote = raw.socket.remoteAddress ?? '';
  const clientIp = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
  const method = raw.method ?? 'GET';
  /** A reply of the gateway's own before any chain ran, observed like every response. */
  const early = (path: string, own: Reply, api?: CompiledApi) => {
    const bytes = sendReply(reply, own);
    observe(serving.records, { startedAt, method, path, clientIp, status: own.status, bytes, api });
  };
  if (proto === 'http' && serving.httpsRedirectPort !== undefined)
    return redirectToHttps(raw.headers.host, url, serving.httpsRedirectPort, (own) =>
      early(q === -1 ? url : url.slice(0, q), own),
    );
  // One normalized path for routing, rules and the upstream: no policy is skipped by another spelling.
  const pathname = normalizeRequestPath(q === -1 ? url : url.slice(0, q), serving.pathOptions);
  if (isRejection(pathname))
    return early(q === -1 ? url : url.slice(0, q), {
      status: 400,
      body: { error: `bad request path: ${pathname.rejected}` },
    });
  if (serving.notReady !== undefined)
    return early(pathname, { status: 503, headers: { 'retry-after': '1' }, body: { error: serving.notReady } });
  const api = serving.table.match(pathname);
  if (!api) return early(pathname, { status: 404, body: { error: `no API serves ${pathname}` } });
  if (api.blocked !== undefined) {
    api.metrics.count(OUTCOME.unavailable);
    return early(pathname, { status: 503, body: { error: api.blocked } }, api);
  }
  const headers = raw.httpVersionMajor === 2 ? http1RequestHeaders(raw.headers) : raw.headers;
  const ex = new GatewayExchange(
    raw,
    method,
    pathBelow(api.basePath, pathname),
    q === -1 ? '' : url.slice(q + 1),
    clientIp,
    headers,
    pathname,
  );
  ex.proto = proto;

  const passed = runRequestPass(api, ex, logger);
  if (!(passed instanceof Promise)) return afterRequestPass(serving, api, ex, passed, reply, logger);
  // The pass never rejects (policy failures become 500 replies); this catches what the continuation throws.
  passed.then((pass) => afterRequestPass(serving, api, ex, pass, reply, logger)).catch((err: Error) => reply.send(err));
}

function afterRequestPass(
  serving: Serving,
  api: CompiledApi,
  ex: GatewayExchange,
  pass: RequestPass,
  reply: FastifyReply,
  logger: Logger,
): void {
  if (pass.reply) {
    api.metrics.count(OUTCOME.rejected);
    const view: ResponseView = {
      status: pass.reply.status,
      headers: { ...ex.responseHeaders, ...pass.reply.headers },
      shortCircuited: true,
    };
    runResponsePass(api, ex, view, pass, logger);
    const bytes = sendReply(reply, { ...pass.reply, status: view.status, headers: view.headers });
    return observe(serving.records, {
      startedAt: ex.startedAt,
      method: ex.method,
      path: ex.fullPath,
      clientIp: ex.remoteAddress,
      status: view.status,
      bytes,
      api,
      exchange: ex,
      pass,
    });
  }
  const raw = reply.request.raw;
  const hasBody = requestHasBody(raw);
  const target = api.upstream;
  const options: Dispatcher.DispatchOptions = {
    path: target.pathPrefix + ex.path + (ex.search ? `?${ex.search}` : ''),
    method: ex.method,
    headers: upstreamRequestHeaders(ex.requestHeaders, {
      remoteAddress: ex.remoteAddress,
      proto: ex.proto,
      host: ex.host,
      prefix: api.basePath,
    }),
    body: hasBody ? (ex.upstreamBody() as never) : null,
    headersTimeout: api.timeoutMs,
    bodyTimeout: api.timeoutMs,
  };
  new ProxiedResponse(api, ex, pass, reply, options, logger, serving.records).start();
}

/** HTTP/1.1 says so in its headers; an h2 stream without a body ended with its HEADERS frame (content-length is optional there). */
function requestHasBody(raw: FastifyRequest['raw']): boolean {
  if (raw.headers['content-length'] !== undefined) return raw.headers['content-length'] !== '0';
  if (raw.httpVersionMajor === 2) return !(raw as unknown as Http2ServerRequest).stream.endAfterHeaders;
  return raw.headers['transfer-encoding'] !== undefined;
}

/** 308 keeps the method and body: the same request, over https, on the TLS listener's port. */
function redirectToHttps(host: string | undefined, url: string, port: number, send: (own: Reply) => void): void {
  const name = (host ?? '').replace(/:\d+$/, '');
  if (!name || !/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$/.test(name))
    return send({ status: 400, body: { error: 'a Host header is needed to redirect to https' } });
  const location = `https://${name}${port === 443 ? '' : `:${port}`}${url.startsWith('/') ? url : '/'}`;
  send({ status: 308, headers: { location }, body: { error: `use ${location}` } });
}
