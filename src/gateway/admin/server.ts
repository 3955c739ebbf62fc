import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { ErrorCatalog } from '../../errors/catalog.js';
import { safeEqual } from '../../secrets/hash.js';
import { answerErrorsSafely } from '../../util/http-errors.js';
import type { ControlEngine } from '../control/engine.js';
import type { DataPlaneLink } from '../control/link.js';
import type { ReconcilerStatus } from '../../reconcile/status.js';
import { transactionProblems } from './transaction-envelope.js';

export interface ControlRestarts {
  count: number;
  lastReason?: string;
  lastAt?: string;
}

export interface AdminOptions {
  engine: ControlEngine;
  link: DataPlaneLink;
  token: string;
  logger: Logger;
  /** How often the control side was restarted after a crash, and why. */
  restarts?: ControlRestarts;
  /** Embedded mode: what the gateway's own reconcile loop reports (conditions, alerts). */
  reconciler?: () => ReconcilerStatus;
  /** HTTPS (PEM texts); with `ca`, only clients with a certificate it signed get a connection. */
  tls?: { cert: string; key: string; ca?: string };
}

/** Largest transaction body: a full state of 5,000 APIs with their chains fits well below this. */
const MAX_TRANSACTION_BYTES = 256 * 1024 * 1024;

/**
 * The admin API: separate port, bearer token on everything but /healthz,
 * state reads, transactions, status and Prometheus metrics. It runs on the
 * control side's thread: parsing a large transaction never delays a request.
 */
export function createAdminServer(options: AdminOptions): FastifyInstance {
  const { engine, link } = options;
  const restarts = options.restarts ?? { count: 0 };
  const tls = options.tls;
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'admin' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_TRANSACTION_BYTES,
    // mTLS: a client without a certificate signed by `ca` fails the handshake; the bearer token is still required.
    ...(tls
      ? {
          https: {
            cert: tls.cert,
            key: tls.key,
            minVersion: 'TLSv1.2' as const,
            ...(tls.ca ? { ca: tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
          },
        }
      : {}),
  }) as unknown as FastifyInstance;
  answerErrorsSafely(app, options.logger, 'gateway');

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz') return;
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!presented || !safeEqual(presented, options.token)) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="tollgate-admin"')
        .send({ error: 'TG_ADMIN_AUTH', message: ErrorCatalog.TG_ADMIN_AUTH.rule });
    }
  });

  app.get('/healthz', async () => ({ ok: true }));

  app.get('/state', async (request, reply) => {
    // ?apis=a,b or ?apis=a&apis=b
    const apis = (request.query as { apis?: string | string[] }).apis;
    if (apis !== undefined)
      return engine.publicView(
        [apis]
          .flat()
          .flatMap((a) => a.split(','))
          .filter(Boolean),
      );
    return reply.type('application/json; charset=utf-8').send(engine.publicJson());
  });

  app.get('/counts', async () => engine.counts());

  app.get('/state/digests', async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(engine.fingerprintJson()),
  );

  app.post('/transactions', async (request, reply) => {
    const envelope = transactionProblems(request.body);
    if (!('transaction' in envelope)) {
      const message =
        'the body is not a transaction: {"expectedRevision": <revision>, "state": {...}} or {"expectedRevision": <revision>, "changes": [{"op": ..., ...}]}';
      return reply.code(400).send({
        error: 'TG_BAD_REQUEST',
        message,
        rule: ErrorCatalog.TG_BAD_REQUEST.rule,
        problems: envelope.problems,
      });
    }
    const outcome = await engine.apply(envelope.transaction);
    if (!outcome.ok) {
      return reply.code(outcome.status).send({
        error: outcome.code,
        message: outcome.message,
        rule: ErrorCatalog[outcome.code].rule,
        revision: outcome.revision,
        problems: outcome.problems,
      });
    }
    return outcome;
  });

  app.get('/status', async () => {
    const state = engine.state;
    return {
      revision: engine.revision,
      persistedRevision: engine.persistedRevision,
      digest: engine.digest,
      source: engine.source,
      ready: engine.notReady === undefined,
      notReady: engine.notReady,
      environment: state?.environment.name,
      apis: (state?.apis ?? []).map((a) => {
        const reason = engine.blocked.get(a.name);
        return {
          name: a.name,
          basePath: a.basePath,
          status: reason === undefined ? 'serving' : 'blocked',
          reason,
          policies: a.chain.filter((p) => p.enabled).map((p) => p.name),
        };
      }),
      history: engine.history,
      ...(({ metrics: _metrics, ...status }) => status)(await link.dataPlaneStatus()),
      tls: await link.tlsStatus(),
      control: restarts,
      ...(options.reconciler ? { reconciler: options.reconciler() } : {}),
      uptimeSeconds: Math.round(process.uptime()),
    };
  });

  app.get('/metrics', async (_request, reply) => {
    reply.header('content-type', 'text/plain; version=0.0.4');
    return renderMetrics(engine, link, restarts);
  });

  return app;
}

/** The Prometheus text of the admin API's /metrics (and of the status listener's, which asks for it through the supervisor). */
export async function renderMetrics(
  engine: ControlEngine,
  link: DataPlaneLink,
  restarts: ControlRestarts,
): Promise<string> {
  {
    const gauges: Record<string, number> = {
      tollgate_revision: engine.revision,
      tollgate_ready: engine.notReady === undefined ? 1 : 0,
      tollgate_apis: engine.state?.apis.length ?? 0,
      tollgate_apis_blocked: engine.blocked.size,
    };
    const lines = [
      '# HELP tollgate_reloads_total Applied and refused reloads.',
      '# TYPE tollgate_reloads_total counter',
      `tollgate_reloads_total{result="ok"} ${engine.reloads.ok}`,
      `tollgate_reloads_total{result="failed"} ${engine.reloads.failed}`,
      '# HELP tollgate_reload_duration_seconds Duration of the last successful reload.',
      '# TYPE tollgate_reload_duration_seconds gauge',
      `tollgate_reload_duration_seconds ${engine.reloads.lastSeconds}`,
      '# HELP tollgate_control_restarts_total Times the control side (worker thread) was restarted after a crash.',
      '# TYPE tollgate_control_restarts_total counter',
      `tollgate_control_restarts_total ${restarts.count}`,
    ];
    for (const [name, value] of Object.entries(gauges)) lines.push(`# TYPE ${name} gauge`, `${name} ${value}`);
    return engine.dataPlaneMetrics() + lines.join('\n') + '\n' + (await link.dataPlaneStatus()).metrics;
  }
}
