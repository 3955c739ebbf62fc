import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Reconciler } from './reconciler.js';
import { verifyGithubSignature } from './webhook.js';

export interface ReconcileServerOptions {
  reconciler: Reconciler;
  logger: Logger;
  /** Shared secret of the git webhook; without it POST /hooks/git is refused. */
  webhookSecret?: string;
  /** Only pushes to this branch trigger a reconcile (others are acknowledged and ignored). */
  branch?: string;
}

/** Status, metrics and the git webhook of `tollgate reconcile`. */
export function createReconcileServer(options: ReconcileServerOptions): FastifyInstance {
  const { reconciler, logger } = options;
  const app = Fastify({ loggerInstance: logger.child({ component: 'reconcile-api' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 25 * 1024 * 1024 });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/status', async () => reconciler.snapshot());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4');
    return reconciler.metrics.render(reconciler.snapshot().environment);
  });

  app.register(async (hooks) => {
    // The signature covers the exact bytes received: keep the body raw.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    hooks.post('/hooks/git', async (request, reply) => {
      if (!options.webhookSecret) return reply.code(404).send({ error: 'no webhook secret is configured (--webhook-secret-env)' });
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!verifyGithubSignature(options.webhookSecret, body, request.headers['x-hub-signature-256'] as string | undefined)) {
        logger.warn({ remote: request.ip }, 'webhook refused: bad or missing X-Hub-Signature-256');
        return reply.code(401).send({ error: 'bad signature' });
      }
      const event = request.headers['x-github-event'];
      if (event === 'ping') return { ok: true, pong: true };
      const ref = parseRef(body);
      if (options.branch && ref && ref !== `refs/heads/${options.branch}`) return reply.code(202).send({ ok: true, ignored: `push to ${ref}` });
      void reconciler.trigger('webhook');
      return reply.code(202).send({ ok: true, triggered: true });
    });
  });
  return app;
}

function parseRef(body: Buffer): string | undefined {
  try {
    const ref = (JSON.parse(body.toString('utf8')) as { ref?: unknown }).ref;
    return typeof ref === 'string' ? ref : undefined;
  } catch {
    return undefined;
  }
}
