import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCatalog } from '../../errors/catalog.js';
import { safeEqual } from '../../secrets/hash.js';
import { answerErrorsSafely } from '../../util/http-errors.js';
import type { GatewayEngine } from '../engine.js';
import { transactionProblems } from './transaction-envelope.js';

export interface AdminOptions {
  engine: GatewayEngine;
  token: string;
  logger: Logger;
  /** Extra gauges for /metrics (e.g. counters held). */
  gauges?: () => Record<string, number>;
}

/** Largest transaction body: a full state of 5,000 APIs with their chains fits well below this. */
const MAX_TRANSACTION_BYTES = 256 * 1024 * 1024;

/**
 * The admin API: separate port, bearer token on everything but /healthz,
 * state reads, transactions, status and Prometheus metrics.
 */
export function createAdminServer(options: AdminOptions): FastifyInstance {
  const { engine } = options;
  const app = Fastify({ loggerInstance: options.logger.child({ component: 'admin' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: MAX_TRANSACTION_BYTES });
  answerErrorsSafely(app, options.logger, 'gateway');

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !safeEqual(presented, options.token)) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="tollgate-admin"').send({ error: 'TG_ADMIN_AUTH', message: ErrorCatalog.TG_ADMIN_AUTH.rule });
    }
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/state', async (request, reply) => {
    // ?apis=a,b or ?apis=a&apis=b
    const apis = (request.query as { apis?: string | string[] }).apis;
    if (apis !== undefined) return engine.publicView([apis].flat().flatMap((a) => a.split(',')).filter(Boolean));
    return reply.type('application/json; charset=utf-8').send(engine.publicJson());
  });

  app.get('/state/digests', async (_request, reply) => reply.type('application/json; charset=utf-8').send(engine.fingerprintJson()));

  app.post('/transactions', async (request, reply) => {
    const envelope = transactionProblems(request.body);
    if (!('transaction' in envelope)) {
      const message = 'the body is not a transaction: {"expectedRevision": <revision>, "state": {...}} or {"expectedRevision": <revision>, "changes": [{"op": ..., ...}]}';
      return reply.code(400).send({ error: 'TG_BAD_REQUEST', message, rule: ErrorCatalog.TG_BAD_REQUEST.rule, problems: envelope.problems });
    }
    const outcome = await engine.apply(envelope.transaction);
    if (!outcome.ok) {
      return reply.code(outcome.status).send({ error: outcome.code, message: outcome.message, rule: ErrorCatalog[outcome.code].rule, revision: outcome.revision, problems: outcome.problems });
    }
    return outcome;
  });

  app.get('/status', async () => {
    const view = engine.publicView();
    return {
      revision: engine.revision,
      persistedRevision: engine.persistedRevision,
      digest: view.digest,
      source: view.source,
      ready: engine.serving.notReady === undefined,
      notReady: engine.serving.notReady,
      environment: engine.state?.environment.name,
      apis: [...engine.serving.table.apis.values()].map((a) => ({ name: a.name, basePath: a.basePath, status: a.blocked ? 'blocked' : 'serving', reason: a.blocked, policies: a.policies.map((p) => p.name) })),
      history: engine.history,
      sharedStorage: engine.counterStores.status(),
      uptimeSeconds: Math.round(process.uptime()),
    };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4');
    return engine.metrics.render({ tollgate_revision: engine.revision, tollgate_ready: engine.serving.notReady === undefined ? 1 : 0, tollgate_apis: engine.serving.table.apis.size, ...options.gauges?.() }) + engine.counterStores.metricsText();
  });

  return app;
}
