import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoUpstream } from '../demo/upstream.js';
import { TollgateError } from '../errors/catalog.js';
import { startGateway } from '../gateway/start.js';
import { createLogger } from '../log/logger.js';
import type { Listen } from '../gateway/start.js';
import { ensureDevCertificates } from '../tls/dev-certificates.js';
import type { CommandSpec } from './command.js';
import { LISTEN, LOG_LEVEL } from './options.js';
import type { CommandResult } from './result.js';
import { untilSignal } from './signals.js';

const EXAMPLES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../examples');
const QUICKSTART = path.join(EXAMPLES, 'quickstart');
const QUICKSTART_TLS = path.join(EXAMPLES, 'quickstart-tls');

interface QuickstartFlags {
  config?: string;
  listen: Listen;
  adminListen: Listen;
  upstreamListen: Listen;
  tls: boolean;
  listenTls: Listen;
  logLevel: string;
}

export const quickstartSpec: CommandSpec = {
  name: 'quickstart',
  description:
    'What `npm start` runs: a demo upstream on :9090 and the gateway on :8080 serving examples/quickstart, hot-reloaded on save.',
  options: [
    {
      long: 'config',
      value: '<dir>',
      kind: 'path',
      defaultNote: 'examples/quickstart of this package',
      description: 'manifest folder to serve',
    },
    LISTEN('listen', 'data-plane address (port 0: any free port)', '127.0.0.1:8080'),
    LISTEN('admin-listen', 'admin API address', '127.0.0.1:8081'),
    LISTEN('upstream-listen', 'demo upstream address (the manifests must point at it)', '127.0.0.1:9090'),
    {
      long: 'tls',
      kind: 'boolean',
      default: 'false',
      description:
        'also HTTPS (HTTP/2 and HTTP/1.1), with a development CA and localhost certificate made by openssl (examples/quickstart-tls)',
    },
    LISTEN('listen-tls', 'with --tls: the HTTPS address', '127.0.0.1:8443'),
    LOG_LEVEL,
  ],
  help: 'Examples:\n  $ npx tollgate quickstart         # then: curl -i localhost:8080/greetings/hi\n  $ npm start -- --tls              # then: curl --cacert examples/quickstart-tls/certs/dev-ca.crt https://localhost:8443/greetings/hi',
  run: ({ flags }) => runQuickstart(flags as unknown as QuickstartFlags),
};

async function runQuickstart({
  config = QUICKSTART,
  listen,
  adminListen,
  upstreamListen,
  tls,
  listenTls,
  logLevel,
}: QuickstartFlags): Promise<CommandResult> {
  if (tls && path.resolve(config) !== QUICKSTART) {
    throw new TollgateError(
      'TG_USAGE',
      '--tls serves the quickstart with examples/quickstart-tls; for your own manifests, add a Certificate and run `tollgate gateway --config DIR --listen-tls :8443`',
    );
  }
  // Listen for SIGTERM/SIGINT before starting anything, so an early signal still shuts down cleanly.
  const stopRequested = untilSignal();
  const logger = createLogger(logLevel);
  const dev = tls ? await ensureDevCertificates(path.join(QUICKSTART_TLS, 'certs')) : undefined;
  // With TLS, the quickstart's APIs and applications are served with the TLS variant of its environment.
  const paths = tls
    ? [path.join(QUICKSTART, 'greetings.yaml'), path.join(QUICKSTART, 'orders.yaml'), QUICKSTART_TLS]
    : [config];
  const upstream = await startDemoUpstream(upstreamListen.host, upstreamListen.port);
  const gateway = await startGateway({
    listen,
    adminListen,
    ...(tls ? { listenTls } : {}),
    stateDir: path.resolve(tls ? '.tollgate/quickstart-tls' : '.tollgate/quickstart'),
    baseDir: config,
    logger,
    embedded: { paths, watch: true },
  });
  // The banner follows the first reconcile: what it tells to try works by then.
  await gateway.settled;
  const ca = dev && path.relative(process.cwd(), dev.caFile);
  const https = gateway.tlsUrl && `https://localhost:${new URL(gateway.tlsUrl).port}`;
  process.stderr.write(
    [
      '',
      `tollgate quickstart: gateway ${gateway.url}${gateway.tlsUrl ? ` and ${gateway.tlsUrl} (HTTP/2)` : ''}, admin ${gateway.adminUrl}, demo upstream ${upstream.url}`,
      `serving ${paths.map((p) => path.relative(process.cwd(), p) || '.').join(', ')}; edit a manifest and save: it is applied at once.`,
      ...(dev
        ? [
            `development certificate for localhost ${dev.created ? 'made' : 'reused'} in ${path.relative(process.cwd(), path.dirname(dev.certFile))} (signed by ${ca})`,
          ]
        : []),
      '',
      `  curl -i ${gateway.url}/greetings/hi                    # 401: basic auth required`,
      `  curl -i -u demo:s3cret ${gateway.url}/greetings/hi     # 200`,
      `  for i in 1 2 3 4 5 6; do curl -s -o /dev/null -w "%{http_code}\\n" -u demo:s3cret ${gateway.url}/greetings/hi; done   # ... 429`,
      `  curl -i -H "client_id: demo-client" -H "client_secret: demo-secret" ${gateway.url}/orders/42`,
      ...(dev && https
        ? [
            `  curl -i --cacert ${ca} -u demo:s3cret ${https}/greetings/hi                 # HTTP/2 200`,
            `  curl -i --cacert ${ca} --http1.1 -u demo:s3cret ${https}/greetings/hi       # HTTP/1.1 200`,
            `  curl -sv --cacert ${ca} ${https}/greetings/hi 2>&1 | grep -E "subject:|ALPN"   # the certificate and h2`,
          ]
        : []),
      '',
    ].join('\n') + '\n',
  );
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down');
  await gateway.close();
  await new Promise((resolve) => upstream.server.close(resolve));
  return { exitCode: 0 };
}
