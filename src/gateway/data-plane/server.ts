import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerFactory,
} from 'fastify';
import type { Logger } from 'pino';
import type { DataPlaneRuntime } from './runtime.js';
import { sendReply } from './send-reply.js';
import { handleRequest } from './handle-request.js';
import { createTlsServer, type TlsServer } from './tls-server.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;

export interface DataPlaneOptions {
  /**
   * The whole request (headers and body) must arrive within this time, else 408:
   * one bound for every API, whether the body streams to the upstream or a
   * policy reads it (a slowly dribbled body holds a connection no longer).
   */
  requestTimeoutMs: number;
  /** The HTTPS listener (h2 + HTTP/1.1 by ALPN) instead of plain HTTP. */
  tls?: boolean;
}

export interface DataPlane {
  app: FastifyInstance;
  /** Lets go of idle keep-alive connections (HTTP/1.1) and sends GOAWAY to h2 sessions, while in-flight requests finish. */
  closeIdle(): void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** The data plane: one catch-all route; bodies are left unread so they stream to the upstream. */
export function createDataPlane(
  runtime: DataPlaneRuntime,
  logger: Logger,
  options: DataPlaneOptions = { requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS },
): DataPlane {
  let tlsServer: TlsServer | undefined;
  const app = Fastify({
    ...(options.tls
      ? {
          // fastify hands its handler to the server it is given: ours has SNI over the applied certificates.
          // (The instance is typed as an HTTP/1 one; fastify handles h2 requests by their httpVersionMajor.)
          serverFactory: ((handler: Parameters<typeof createTlsServer>[1]) =>
            (tlsServer = createTlsServer(runtime, handler, options)).server) as unknown as FastifyServerFactory,
        }
      : {}),
    requestTimeout: options.requestTimeoutMs,
    // How often expired requests are looked for: a timeout is answered within a second of it.
    http: { connectionsCheckingInterval: 1_000, headersTimeout: Math.min(options.requestTimeoutMs, 60_000) },
    loggerInstance: logger.child({ component: 'data-plane' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    routerOptions: { maxParamLength: 8192 },
    // No child logger per request: the data plane logs nothing per request above debug.
    childLoggerFactory: (logger) => logger,
    // The router refuses what it cannot decode before a handler runs: answer as the path normalizer does.
    frameworkErrors: (error, _request, reply) => {
      const badPath = (error as { code?: string }).code === 'FST_ERR_BAD_URL';
      sendReply(reply, {
        status: 400,
        body: { error: badPath ? 'bad request path: invalid percent-encoding in the path' : 'bad request' },
      });
    },
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  const proto = options.tls ? 'https' : 'http';
  const handler = (request: Parameters<typeof handleRequest>[1], reply: Parameters<typeof handleRequest>[2]) =>
    handleRequest(runtime.serving, request, reply, logger, proto);
  app.route({ method: [...METHODS], url: '/', handler });
  app.route({ method: [...METHODS], url: '/*', handler });
  return {
    app,
    closeIdle: () => (tlsServer ? tlsServer.closeConnections() : app.server.closeIdleConnections()),
  };
}
