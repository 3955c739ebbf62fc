import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { CompiledApi } from '../chain/compiled.js';
import type { ResponseView } from '../chain/types.js';
import { runResponsePass, type RequestPass } from '../chain/run.js';
import { OUTCOME } from '../metrics/cells.js';
import { clientResponseHeaders } from '../proxy/headers.js';
import { http2ResponseHeaders } from '../proxy/http2-headers.js';
import { sendReply } from './send-reply.js';
import type { GatewayExchange } from './exchange.js';
import { observe, type Recording } from './observe.js';
import { canResend, upstreamFailure } from './upstream-errors.js';

/**
 * One request forwarded upstream, as undici's dispatch handler: the upstream's
 * status, headers and body chunks go straight to the client's response, with
 * no Readable body, promise or pipe in between. A full client socket pauses
 * the upstream read until it drains.
 */
export class ProxiedResponse implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  /** The response head went to the client: from here on a failure can only cut the connection. */
  private responding = false;
  private resent = false;
  private clientGone = false;
  private status = 0;
  private bytes = 0;

  constructor(
    private readonly api: CompiledApi,
    private readonly ex: GatewayExchange,
    private readonly pass: RequestPass,
    private readonly reply: FastifyReply,
    private readonly options: Dispatcher.DispatchOptions,
    private readonly logger: Logger,
    private readonly recording: Recording | undefined,
  ) {}

  start(): void {
    // on, not once: 'close' comes once per response anyway, and once() wraps every listener.
    this.reply.raw.on('close', () => this.onClientClose());
    this.api.upstream.pool.dispatch(this.options, this);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // The client left while the request waited for a pooled connection.
    if (this.clientGone) controller.abort(new Error('client closed the connection'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    upstreamHeaders: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx informational responses (e.g. 103 Early Hints) are not forwarded; the final response follows.
    if (statusCode < 200) return;
    this.responding = true;
    const { api, ex } = this;
    api.metrics.count(OUTCOME.forwarded);
    const headers = clientResponseHeaders(upstreamHeaders);
    for (const name in ex.responseHeaders) headers[name] = ex.responseHeaders[name];
    const view: ResponseView = { status: statusCode, headers, shortCircuited: false };
    runResponsePass(api, ex, view, this.pass, this.logger);
    this.reply.hijack();
    this.status = view.status;
    // Node drops the body writes of HEAD, 204 and 304 responses itself.
    this.reply.raw.writeHead(
      view.status,
      this.reply.request.raw.httpVersionMajor === 2 ? http2ResponseHeaders(view.headers) : view.headers,
    );
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const res = this.reply.raw;
    this.bytes += chunk.length;
    if (res.write(chunk)) return;
    controller.pause();
    res.once('drain', () => controller.resume());
  }

  onResponseEnd(): void {
    this.reply.raw.end();
    this.observe(this.status, this.bytes, false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (this.responding) {
      // The client went away or the upstream broke mid-body: nothing can be sent any more.
      this.logger.debug({ api: this.api.name, err: err.message }, 'response stream aborted');
      this.reply.raw.destroy();
      this.observe(this.status, this.bytes, true);
      return;
    }
    // The client left before the upstream answered: nginx's 499, so records and metrics tell it from a failure.
    if (this.clientGone) return this.observe(499, 0, true);
    if (!this.resent && canResend(this.ex.method, this.options.body != null, err)) {
      this.resent = true;
      // After undici's teardown of the dropped connection, not inside it: inside, the pool hands the
      // resend to another kept-alive connection (maybe just as stale) rather than reconnecting.
      queueMicrotask(() => this.api.upstream.pool.dispatch(this.options, this));
      return;
    }
    const { api, ex } = this;
    api.metrics.count(OUTCOME.upstream_error);
    const failure = upstreamFailure(err, api, this.logger);
    const view: ResponseView = { status: failure.status, headers: { ...ex.responseHeaders }, shortCircuited: true };
    runResponsePass(api, ex, view, this.pass, this.logger);
    this.observe(view.status, sendReply(this.reply, { ...failure, status: view.status, headers: view.headers }), false);
  }

  private observe(status: number, bytes: number, aborted: boolean): void {
    const { ex } = this;
    observe(this.recording, {
      startedAt: ex.startedAt,
      method: ex.method,
      path: ex.fullPath,
      clientIp: ex.remoteAddress,
      status,
      bytes,
      api: this.api,
      exchange: ex,
      pass: this.pass,
      aborted,
    });
  }

  /** A client that leaves cancels the upstream request, wherever it is. */
  private onClientClose(): void {
    if (this.reply.raw.writableFinished) return;
    this.clientGone = true;
    this.controller?.abort(new Error('client closed the connection'));
  }
}
