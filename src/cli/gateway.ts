import path from 'node:path';
import { Command, Option } from 'commander';
import { DEFAULT_MANIFEST_LIMITS, MIB } from '../manifest/limits.js';
import type { GatekeeperMode } from '../manifest/types.js';
import { createLogger } from '../log/logger.js';
import { DEFAULT_CONTROL_HEAP_MB, DEFAULT_TLS_POLL_MS, startGateway, type Listen } from '../gateway/start.js';
import { TollgateError } from '../errors/catalog.js';
import { DEFAULT_GATEKEEPER_GRACE_MS } from '../gateway/control/engine.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../gateway/data-plane/server.js';
import { parseDuration } from './duration.js';
import { parseListen } from './listen.js';
import { parseMebibytes } from './size.js';
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
}

export function gatewayCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('gateway')
    .description('Run the gateway (data plane + admin API). With --config, it serves a manifest folder itself (embedded local mode).')
    .option('-c, --config <dir>', 'serve the manifests in this folder (embedded local mode)')
    .option('-e, --env <name>', 'environment to serve from --config (needed when it defines several)')
    .option('-w, --watch', 'with --config: re-apply on every saved change', false)
    .option('--listen <host:port>', 'data-plane address', parseListen, parseListen('0.0.0.0:8080'))
    .option('--node-name <name>', "this gateway's name in access records (default: the host name)")
    .option('--listen-tls <host:port>', 'HTTPS data-plane address (HTTP/2 and HTTP/1.1 by ALPN), serving the certificates of the applied state by SNI', parseListen)
    .option('--admin-listen <host:port>', 'admin API address (keep it on loopback or a private network)', parseListen, parseListen('127.0.0.1:8081'))
    .option('--status-listen <host:port>', 'probes without a token: /healthz, /readyz (503 while the gatekeeper holds or the control side is down)', parseListen)
    .option('--status-metrics', 'with --status-listen: also serve /metrics there, without the admin token', false)
    .option('--admin-tls-cert <file>', 'serve the admin API over HTTPS with this certificate chain (PEM)')
    .option('--admin-tls-key <file>', 'the key of --admin-tls-cert (PEM)')
    .option('--admin-client-ca <file>', 'with --admin-tls-cert: require client certificates signed by this CA (mTLS); the bearer token is still required')
    .addOption(new Option('--tls-poll-interval <duration>', 'how often referenced certificate and key files are read again (a secret renewed in place); 0: never').argParser(parseDuration).default(DEFAULT_TLS_POLL_MS, `${DEFAULT_TLS_POLL_MS / 1000}s`))
    .option('--state-dir <dir>', 'where the last applied state and the generated admin token are kept', '.tollgate')
    .addOption(new Option('--gatekeeper <mode>', 'override the gatekeeper mode at start-up').choices(['strict', 'flexible', 'disabled']))
    .addOption(new Option('--gatekeeper-grace <duration>', 'flexible: how long a restarted gateway waits for the control plane to confirm its persisted state before serving it').argParser(parseDuration).default(DEFAULT_GATEKEEPER_GRACE_MS, `${DEFAULT_GATEKEEPER_GRACE_MS / 1000}s`))
    .addOption(new Option('--max-file-size <MiB>', 'largest manifest file read (embedded mode)').argParser(parseMebibytes).default(DEFAULT_MANIFEST_LIMITS.maxFileBytes, String(DEFAULT_MANIFEST_LIMITS.maxFileBytes / MIB)))
    .addOption(new Option('--max-repository-size <MiB>', 'largest total of the manifest files of one revision (embedded mode)').argParser(parseMebibytes).default(DEFAULT_MANIFEST_LIMITS.maxRepositoryBytes, String(DEFAULT_MANIFEST_LIMITS.maxRepositoryBytes / MIB)))
    .addOption(new Option('--control-heap <MiB>', 'heap limit of the control side (admin API, validation, reconcile loop): work that needs more fails, and the data plane keeps serving').argParser((v) => parseMebibytes(v) / MIB).default(DEFAULT_CONTROL_HEAP_MB, String(DEFAULT_CONTROL_HEAP_MB)))
    .addOption(new Option('--request-timeout <duration>', 'the whole request (headers and body) must arrive within this, else 408; the same for every API').argParser(parseDuration).default(DEFAULT_REQUEST_TIMEOUT_MS, `${DEFAULT_REQUEST_TIMEOUT_MS / 1000}s`))
    .addOption(new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error']).default('info'))
    .addHelpText(
      'after',
      '\nThe admin API token is read from TOLLGATE_ADMIN_TOKEN; without it one is generated into <state-dir>/admin-token.\n\nExamples:\n  $ tollgate gateway --config examples/quickstart --watch\n  $ TOLLGATE_ADMIN_TOKEN=s3cret tollgate gateway --listen :8080 --admin-listen 127.0.0.1:8081',
    )
    .action((flags: GatewayFlags) => run(runGateway(flags)));
}

async function runGateway(flags: GatewayFlags): Promise<CommandResult> {
  // Listen for SIGTERM/SIGINT before starting anything, so an early signal still shuts down cleanly.
  const stopRequested = untilSignal();
  const logger = createLogger(flags.logLevel);
  if ((flags.adminTlsCert === undefined) !== (flags.adminTlsKey === undefined)) throw new TollgateError('TG_USAGE', '--admin-tls-cert and --admin-tls-key go together');
  if (flags.statusMetrics && !flags.statusListen) throw new TollgateError('TG_USAGE', '--status-metrics serves /metrics on the status listener: give --status-listen too');
  if (flags.adminClientCa && !flags.adminTlsCert) throw new TollgateError('TG_USAGE', '--admin-client-ca needs --admin-tls-cert and --admin-tls-key (mTLS is TLS first)');
  const adminTls = flags.adminTlsCert && flags.adminTlsKey ? { certFile: path.resolve(flags.adminTlsCert), keyFile: path.resolve(flags.adminTlsKey), ...(flags.adminClientCa ? { clientCaFile: path.resolve(flags.adminClientCa) } : {}) } : undefined;
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
    ...(process.env.TOLLGATE_ADMIN_TOKEN ? { adminToken: process.env.TOLLGATE_ADMIN_TOKEN } : {}),
    ...(flags.gatekeeper ? { gatekeeper: flags.gatekeeper } : {}),
    ...(flags.config ? { baseDir: path.resolve(flags.config), embedded: { paths: [flags.config], watch: flags.watch, ...(flags.env ? { env: flags.env } : {}) } } : {}),
  });
  const signal = await stopRequested;
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  await gateway.close();
  return { exitCode: 0 };
}
