import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { answerErrorsSafely } from '../util/http-errors.js';
import type { Reconciler } from './reconciler.js';
import { RecentDeliveries } from './recent-deliveries.js';
import { verifyGithubSignature } from './webhook.js';

export interface ReconcileServerOptions {
  reconciler: Reconciler;
  logger: Logger;
  /** Shared secret of the git webhook; without it POST /hooks/git is refused. */
  webhookSecret?: string;
  /** Only pushes to this branch trigger a reconcile (others are acknowledged and ignored). */
  branch?: string;
  /** How long and how many webhook deliveries are remembered to refuse replays. */
  replayWindow?: { windowMs: number; maxEntries: number };
}

/** Deliveries are remembered for an hour, at most 5,000 of them (two keys each). */
const REPLAY_WINDOW = { windowMs: 60 * 60_000, maxEntries: 10_000 };

/** Status, metrics and the git webhook of `tollgate reconcile`. */
export function createReconcileServer(options: ReconcileServerOptions): FastifyInstance {
  const { reconciler, logger } = options;
  const deliveries = new RecentDeliveries(options.replayWindow ?? REPLAY_WINDOW);
  const app = Fastify({
    loggerInstance: logger.child({ component: 'reconcile-api' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 25 * 1024 * 1024,
  });
  answerErrorsSafely(app, logger, 'reconciler');

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/status', async () => reconciler.snapshot());
  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4');
    return reconciler.metricsText();
  });

  app.register(async (hooks) => {
    // The signature covers the exact bytes received: keep the body raw.
    hooks.removeAllContentTypeParsers();
    hooks.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
    hooks.post('/hooks/git', async (request, reply) => {
      if (!options.webhookSecret)
        return reply.code(404).send({ error: 'no webhook secret is configured (--webhook-secret-env)' });
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (
        !verifyGithubSignature(
          options.webhookSecret,
          body,
          request.headers['x-hub-signature-256'] as string | undefined,
        )
      ) {
        logger.warn({ remote: request.ip }, 'webhook refused: bad or missing X-Hub-Signature-256');
        return reply.code(401).send({ error: 'bad signature' });
      }
      const event = request.headers['x-github-event'];
      if (event === 'ping') return { ok: true, pong: true };
      // Only signed deliveries are remembered: unsigned requests cannot fill the window.
      const delivery = request.headers['x-github-delivery'];
      if (deliveries.isReplay(typeof delivery === 'string' ? delivery : undefined, body)) {
        logger.info(
          { delivery, remote: request.ip },
          'webhook: a delivery seen before was sent again; nothing triggered',
        );
        return reply.code(200).send({ ok: true, duplicate: true, triggered: false });
      }
      const ref = parseRef(body);
      if (options.branch && ref && ref !== `refs/heads/${options.branch}`)
        return reply.code(202).send({ ok: true, ignored: `push to ${ref}` });
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
