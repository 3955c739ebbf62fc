import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { errors as undiciErrors } from 'undici';
import type { CompiledApi } from '../chain/compiled.js';
import type { Reply, ResponseView } from '../chain/types.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../proxy/headers.js';
import { runRequestPass, runResponsePass } from '../chain/run.js';
import { GatewayExchange } from './exchange.js';
import { pathBelow, type RouteTable } from './route-table.js';

/** What the data plane serves from: swapped as a whole on reload, read once per request. */
export interface Serving {
  table: RouteTable;
  /** undefined when ready; otherwise why every API answers 503 (gatekeeper). */
  notReady: string | undefined;
}

const NO_BODY_STATUS = new Set([204, 304]);

export async function handleRequest(serving: Serving, request: FastifyRequest, reply: FastifyReply, logger: Logger): Promise<void> {
  const raw = request.raw;
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (serving.notReady !== undefined) return send(reply, { status: 503, headers: { 'retry-after': '1' }, body: { error: serving.notReady } });
  const api = serving.table.match(pathname);
  if (!api) return send(reply, { status: 404, body: { error: `no API serves ${pathname}` } });
  if (api.blocked !== undefined) {
    api.metrics.outcomes.unavailable++;
    return send(reply, { status: 503, body: { error: api.blocked } });
  }
  const remote = raw.socket.remoteAddress ?? '';
  const ex = new GatewayExchange(raw, raw.method ?? 'GET', pathBelow(api.basePath, pathname), q === -1 ? '' : url.slice(q + 1), remote.startsWith('::ffff:') ? remote.slice(7) : remote);

  const passed = runRequestPass(api, ex, logger);
  const pass = passed instanceof Promise ? await passed : passed;
  if (pass.answer) {
    api.metrics.outcomes.rejected++;
    const view: ResponseView = { status: pass.answer.status, headers: { ...ex.responseHeaders, ...pass.answer.headers }, shortCircuited: true };
    runResponsePass(api, ex, view, pass, logger);
    return send(reply, { ...pass.answer, status: view.status, headers: view.headers });
  }

  const target = api.upstream;
  const hasBody = raw.headers['content-length'] !== undefined ? raw.headers['content-length'] !== '0' : raw.headers['transfer-encoding'] !== undefined;
  const options = {
    path: target.pathPrefix + ex.path + (ex.search ? `?${ex.search}` : ''),
    method: ex.method as 'GET',
    headers: upstreamRequestHeaders(ex.requestHeaders, { remoteAddress: ex.remoteAddress, proto: 'http', host: ex.host, prefix: api.basePath }),
    body: hasBody ? (ex.upstreamBody() as never) : null,
    headersTimeout: api.timeoutMs,
    bodyTimeout: api.timeoutMs,
  };
  let upstream;
  try {
    try {
      upstream = await target.pool.request(options);
    } catch (err) {
      // A keep-alive connection the upstream closed while idle: a bodiless idempotent request is safe to send again, once.
      if (hasBody || !IDEMPOTENT.has(ex.method) || !isStaleConnection(err)) throw err;
      upstream = await target.pool.request(options);
    }
  } catch (err) {
    api.metrics.outcomes.upstream_error++;
    const failure = upstreamFailure(err, api, logger);
    const view: ResponseView = { status: failure.status, headers: { ...ex.responseHeaders }, shortCircuited: true };
    runResponsePass(api, ex, view, pass, logger);
    return send(reply, { ...failure, status: view.status, headers: view.headers });
  }
  api.metrics.outcomes.forwarded++;
  const headers = clientResponseHeaders(upstream.headers);
  for (const name in ex.responseHeaders) headers[name] = ex.responseHeaders[name];
  const view: ResponseView = { status: upstream.statusCode, headers, shortCircuited: false };
  runResponsePass(api, ex, view, pass, logger);
  // Stream the upstream body straight to the socket: no buffering, no per-chunk work.
  reply.hijack();
  const res = reply.raw;
  res.writeHead(view.status, view.headers);
  if (NO_BODY_STATUS.has(view.status) || ex.method === 'HEAD') {
    upstream.body.resume();
    res.end();
    return;
  }
  // pipe(), not stream.pipeline(): the latter allocates an AbortController (and a DOMException) per response.
  const body = upstream.body;
  const abort = (err?: Error) => {
    // The client went away or the upstream broke mid-body: nothing can be sent any more.
    if (err) logger.debug({ api: api.name, err: err.message }, 'response stream aborted');
    body.destroy();
    res.destroy();
  };
  body.once('error', abort);
  res.once('close', () => {
    if (!res.writableFinished) abort();
  });
  body.pipe(res);
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

function isStaleConnection(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

function send(reply: FastifyReply, answer: Reply): void {
  const headers: OutgoingHttpHeaders = { ...answer.headers };
  let body = answer.body;
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  reply.code(answer.status).headers(headers).send(NO_BODY_STATUS.has(answer.status) ? undefined : body);
}

function upstreamFailure(err: unknown, api: CompiledApi, logger: Logger): Reply {
  const timedOut = err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError || (err as { code?: string }).code === 'UND_ERR_CONNECT_TIMEOUT';
  logger.warn({ api: api.name, upstream: api.upstream.origin, err: (err as Error).message }, timedOut ? 'upstream timed out' : 'upstream unreachable');
  return timedOut
    ? { status: 504, body: { error: `upstream did not answer within ${api.timeoutMs} ms` } }
    : { status: 502, body: { error: 'upstream unreachable' } };
}
