import { createServer, type Server } from 'node:http';
import type { DataPlaneRuntime } from './runtime.js';

export interface StatusSources {
  runtime: DataPlaneRuntime;
  /** Whether the control side is up (a crashed one is being restarted). */
  controlUp(): boolean;
  /** The metrics text, rendered by the control side; undefined when it cannot answer. */
  metrics?: () => Promise<string | undefined>;
}

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

/**
 * Probes for load balancers and orchestrators, on their own port and without
 * a token: /healthz (the process serves), /readyz (503 while the gatekeeper
 * holds the APIs or the control side is down) and, when the operator asks,
 * /metrics. They say nothing sensitive: no state, no reasons beyond a word.
 * On the data plane's thread: it is what serves traffic that is probed;
 * the metrics text is rendered by the control side.
 */
export function createStatusServer(sources: StatusSources): Server {
  return createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...JSON_TYPE, allow: 'GET, HEAD' }).end(JSON.stringify({ error: 'method not allowed' }));
      return;
    }
    if (path === '/healthz' || path === '/livez') {
      res.writeHead(200, JSON_TYPE).end(JSON.stringify({ ok: true }));
      return;
    }
    if (path === '/readyz') {
      const reason = !sources.controlUp()
        ? 'control side restarting'
        : sources.runtime.serving.notReady !== undefined
          ? 'gatekeeper'
          : undefined;
      res
        .writeHead(reason ? 503 : 200, JSON_TYPE)
        .end(JSON.stringify(reason ? { ready: false, reason } : { ready: true }));
      return;
    }
    if (path === '/metrics' && sources.metrics) {
      void sources.metrics().then((text) => {
        if (text === undefined)
          res
            .writeHead(503, JSON_TYPE)
            .end(JSON.stringify({ error: 'metrics unavailable: the control side is restarting' }));
        else res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text);
      });
      return;
    }
    res.writeHead(404, JSON_TYPE).end(JSON.stringify({ error: 'not found' }));
  });
}
