import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCatalog } from '../errors/catalog.js';

/**
 * Errors that escape a route never reach the client as internal text: a
 * client error that fastify raised (malformed JSON, a body too large, an
 * unsupported content type) keeps its status and fastify's own message; any
 * other error is logged with its detail and answered 500 with a generic
 * message.
 */
export function answerErrorsSafely(app: FastifyInstance, logger: Logger, component: string): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ error: 'TG_BAD_REQUEST', message: error.message, rule: ErrorCatalog.TG_BAD_REQUEST.rule });
    }
    logger.error(
      { err: error, component, method: request.method, route: request.routeOptions.url },
      'internal error while answering a request',
    );
    return reply.code(500).send({
      error: 'TG_INTERNAL',
      message: `internal error; the details are in the ${component} log`,
      rule: ErrorCatalog.TG_INTERNAL.rule,
    });
  });
}
