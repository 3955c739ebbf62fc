import path from 'node:path';
import type { GatekeeperMode } from '../manifest/types.js';
import { createLogger } from '../log/logger.js';
import { DEFAULT_CONTROL_HEAP_MB, DEFAULT_TLS_POLL_MS, startGateway, type Listen } from '../gateway/start.js';
import { TollgateError } from '../errors/catalog.js';
import { DEFAULT_GATEKEEPER_GRACE_MS } from '../gateway/control/engine.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../gateway/data-plane/server.js';
import type { CommandSpec } from './command.js';
import {
  ENV_FILTER,
  FOLLOW_EXTERNAL_LINKS,
  LISTEN,
  LOG_LEVEL,
  MAX_FILE_SIZE,
  MAX_REPOSITORY_SIZE,
  STATE_DIR,
} from './options.js';
import type { CommandResult } from './result.js';
import { untilSignal } from './signals.js';

interface GatewayFlags {
  nodeName?: string;
  config?: string;
  env?: string;
  watch: boolean;
  listen: Listen;
  listenTls?: Listen;
  adminListen: Listen;
  adminTlsCert?: string;
  adminTlsKey?: string;
  adminClientCa?: string;
  tlsPollInterval: number;
  statusListen?: Listen;
  statusMetrics: boolean;
  stateDir: string;
  gatekeeper?: GatekeeperMode;
  gatekeeperGrace: number;
  maxFileSize: number;
  maxRepositorySize: number;
  controlHeap: number;
  requestTimeout: number;
  logLevel: string;
  adminToken?: string;
  followExternalLinks: boolean;
}

export const gatewaySpec: CommandSpec = {
  name: 'gateway',
  description:
    'Run the gateway (data plane + admin API). With --config, it serves a manifest folder itself (embedded local mode).',
  options: [
    {
      long: 'config',
      short: 'c',
      value: '<dir>',
      kind: 'path',
      description: 'serve the manifests in this folder (embedded local mode; a mounted ConfigMap too)',
    },
    ENV_FILTER('environment to serve from --config (needed when it defines several)'),
    {
      long: 'watch',
      short: 'w',
      kind: 'boolean',
      default: 'false',
      description: 'with --config: re-apply on every saved change (and every ConfigMap update)',
    },
    FOLLOW_EXTERNAL_LINKS,
    LISTEN('listen', 'data-plane address', '0.0.0.0:8080'),
    {
      long: 'node-name',
      value: '<name>',
      kind: 'string',
      defaultNote: 'the host name',
      description: "this gateway's name in access records",
    },
    LISTEN(
      'listen-tls',
      'HTTPS data-plane address (HTTP/2 and HTTP/1.1 by ALPN), serving the certificates of the applied state by SNI',
    ),
    LISTEN('admin-listen', 'admin API address (keep it on loopback or a private network)', '127.0.0.1:8081'),
    LISTEN(
      'status-listen',
      'probes without a token: /healthz, /readyz (503 while the gatekeeper holds or the control side is down)',
    ),
    {
      long: 'status-metrics',
      kind: 'boolean',
      default: 'false',
      description: 'with --status-listen: also serve /metrics there, without the admin token',
    },
    {
      long: 'admin-token',
      value: '<token>',
      kind: 'string',
      defaultNote: 'generated into <state-dir>/admin-token',
      description:
        "the admin API's bearer token; give it as TOLLGATE_ADMIN_TOKEN (a command line is visible to every user of the machine)",
    },
    {
      long: 'admin-tls-cert',
      value: '<file>',
      kind: 'path',
      description: 'serve the admin API over HTTPS with this certificate chain (PEM)',
    },
    { long: 'admin-tls-key', value: '<file>', kind: 'path', description: 'the key of --admin-tls-cert (PEM)' },
    {
      long: 'admin-client-ca',
      value: '<file>',
      kind: 'path',
      description:
        'with --admin-tls-cert: require client certificates signed by this CA (mTLS); the bearer token is still required',
    },
    {
      long: 'tls-poll-interval',
      value: '<duration>',
      kind: 'duration',
      default: `${DEFAULT_TLS_POLL_MS / 1000}s`,
      description:
        'how often referenced certificate and key files are read again (a secret renewed in place); 0: never',
    },
    STATE_DIR('.tollgate', 'where the last applied state and the generated admin token are kept'),
    {
      long: 'gatekeeper',
      value: '<mode>',
      kind: 'choice',
      choices: ['strict', 'flexible', 'disabled'],
      defaultNote: 'from the state',
      description: 'override the gatekeeper mode at start-up',
    },
    {
      long: 'gatekeeper-grace',
      value: '<duration>',
      kind: 'duration',
      default: `${DEFAULT_GATEKEEPER_GRACE_MS / 1000}s`,
      description:
        'flexible: how long a restarted gateway waits for the control plane to confirm its persisted state before serving it',
    },
    MAX_FILE_SIZE,
    MAX_REPOSITORY_SIZE,
    {
      long: 'control-heap',
      value: '<MiB>',
      kind: 'heap',
      default: String(DEFAULT_CONTROL_HEAP_MB),
      description:
        'heap limit of the control side (admin API, validation, reconcile loop): work that needs more fails, and the data plane keeps serving',
    },
    {
      long: 'request-timeout',
      value: '<duration>',
      kind: 'duration',
      default: `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`,
      description: 'the whole request (headers and body) must arrive within this, else 408; the same for every API',
    },
    LOG_LEVEL,
  ],
  help: 'SIGTERM (or SIGINT) finishes the requests in flight, then exits 0.\n\nExamples:\n  $ tollgate gateway --config examples/quickstart --watch\n  $ TOLLGATE_ADMIN_TOKEN=s3cret tollgate gateway --listen :8080 --admin-listen 127.0.0.1:8081 --status-listen :8082',
  run: ({ flags }) => runGateway(flags as unknown as GatewayFlags),
};

async function runGateway(flags: GatewayFlags): Promise<CommandResult> {
  // Listen for SIGTERM/SIGINT before starting anything, so an early signal still shuts down cleanly.
  const stopRequested = untilSignal();
  const logger = createLogger(flags.logLevel);
  if ((flags.adminTlsCert === undefined) !== (flags.adminTlsKey === undefined))
    throw new TollgateError('TG_USAGE', '--admin-tls-cert and --admin-tls-key go together');
  if (flags.statusMetrics && !flags.statusListen)
    throw new TollgateError(
      'TG_USAGE',
      '--status-metrics serves /metrics on the status listener: give --status-listen too',
    );
  if (flags.adminClientCa && !flags.adminTlsCert)
    throw new TollgateError(
      'TG_USAGE',
      '--admin-client-ca needs --admin-tls-cert and --admin-tls-key (mTLS is TLS first)',
    );
  const adminTls =
    flags.adminTlsCert && flags.adminTlsKey
      ? {
          certFile: path.resolve(flags.adminTlsCert),
          keyFile: path.resolve(flags.adminTlsKey),
          ...(flags.adminClientCa ? { clientCaFile: path.resolve(flags.adminClientCa) } : {}),
        }
      : undefined;
  const gateway = await startGateway({
    listen: flags.listen,
    adminListen: flags.adminListen,
    stateDir: path.resolve(flags.stateDir),
    logger,
    logLevel: flags.logLevel,
    ...(flags.nodeName ? { nodeName: flags.nodeName } : {}),
    gatekeeperGraceMs: flags.gatekeeperGrace,
    limits: { maxFileBytes: flags.maxFileSize, maxRepositoryBytes: flags.maxRepositorySize },
    controlHeapMb: flags.controlHeap,
    requestTimeoutMs: flags.requestTimeout,
    tlsPollMs: flags.tlsPollInterval,
    ...(flags.statusListen ? { statusListen: flags.statusListen, statusMetrics: flags.statusMetrics } : {}),
    ...(flags.listenTls ? { listenTls: flags.listenTls } : {}),
    ...(adminTls ? { adminTls } : {}),
    ...(flags.adminToken ? { adminToken: flags.adminToken } : {}),
    ...(flags.gatekeeper ? { gatekeeper: flags.gatekeeper } : {}),
    ...(flags.config
      ? {
          baseDir: path.resolve(flags.config),
          embedded: {
            paths: [flags.config],
            watch: flags.watch,
            followExternalLinks: flags.followExternalLinks,
            ...(flags.env ? { env: flags.env } : {}),
          },
        }
      : {}),
  });
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  await gateway.close();
  return { exitCode: 0 };
}
