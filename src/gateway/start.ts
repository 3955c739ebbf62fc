import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { DEFAULT_MANIFEST_LIMITS, type ManifestLimits } from '../manifest/limits.js';
import type { GatekeeperMode } from '../manifest/types.js';
import type { ControlRestarts } from './admin/server.js';
import type { AdminTlsFiles, Listen } from './control/protocol.js';
import { ControlSupervisor } from './control/supervisor.js';
import { MemoryCounterStore } from './counters/memory.js';
import { DataPlaneRuntime } from './data-plane/runtime.js';
import { createStatusServer } from './data-plane/status-server.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, createDataPlane, type DataPlane } from './data-plane/server.js';

export type { Listen };

export interface GatewayOptions {
  listen: Listen;
  /** This gateway's name in access records (default: the host name). */
  nodeName?: string;
  /** The HTTPS listener (HTTP/2 and HTTP/1.1 by ALPN), serving the applied state's certificates. */
  listenTls?: Listen;
  adminListen: Listen;
  /** Bearer token of the admin API; generated and saved in stateDir when absent. */
  adminToken?: string;
  stateDir?: string;
  gatekeeper?: GatekeeperMode;
  gatekeeperGraceMs?: number;
  baseDir?: string;
  logger: Logger;
  logLevel?: string;
  /** Embedded local mode: the control side reconciles this manifest folder into the gateway. */
  embedded?: { paths: string[]; env?: string; watch: boolean; followExternalLinks?: boolean };
  limits?: ManifestLimits;
  /** Heap limit of the control side's thread (MiB). */
  controlHeapMb?: number;
  /** The whole request must arrive within this (ms), else 408. */
  requestTimeoutMs?: number;
  /** HTTPS for the admin API, optionally requiring client certificates signed by clientCaFile (mTLS). */
  adminTls?: AdminTlsFiles;
  /** How often referenced certificate files are read again (ms; 0: never). */
  tlsPollMs?: number;
  /** Probes without a token (/healthz, /readyz), on the data plane's thread. */
  statusListen?: Listen;
  /** Also /metrics on the status listener, without the admin token. */
  statusMetrics?: boolean;
}

export const DEFAULT_TLS_POLL_MS = 10_000;

export interface RunningGateway {
  url: string;
  /** https://… of the TLS listener, when there is one. */
  tlsUrl?: string;
  /** http://… of the status listener, when there is one. */
  statusUrl?: string;
  adminUrl: string;
  adminToken: string;
  restarts: ControlRestarts;
  /** Embedded mode: resolves once the manifests were reconciled once (applied, or refused with the reasons logged). */
  settled: Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_CONTROL_HEAP_MB = 2048;

/**
 * The gateway process: the data plane on this thread (parsing, chains, proxying,
 * counters, nothing else), the control side (admin API, checks, persistence,
 * embedded reconcile loop) in a supervised worker thread.
 */
export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const counters = new MemoryCounterStore();
  const baseDir = path.resolve(options.baseDir ?? process.cwd());
  const runtime = new DataPlaneRuntime({ logger, counters, baseDir, nodeName: options.nodeName ?? hostname() });
  const adminToken = options.adminToken ?? (await loadOrCreateToken(options.stateDir, logger));
  const supervisor = new ControlSupervisor({
    runtime,
    logger,
    maxHeapMb: options.controlHeapMb ?? DEFAULT_CONTROL_HEAP_MB,
    data: {
      adminListen: options.adminListen,
      adminToken,
      logLevel: options.logLevel ?? logger.level,
      baseDir,
      limits: options.limits ?? DEFAULT_MANIFEST_LIMITS,
      tlsPollMs: options.tlsPollMs ?? DEFAULT_TLS_POLL_MS,
      ...(options.adminTls ? { adminTls: options.adminTls } : {}),
      ...(options.stateDir ? { stateDir: options.stateDir } : {}),
      ...(options.gatekeeper ? { gatekeeper: options.gatekeeper } : {}),
      ...(options.gatekeeperGraceMs !== undefined ? { gatekeeperGraceMs: options.gatekeeperGraceMs } : {}),
      ...(options.embedded ? { embedded: options.embedded } : {}),
    },
  });
  let adminUrl: string;
  try {
    adminUrl = await supervisor.start();
  } catch (err) {
    await runtime.close();
    counters.close();
    throw err;
  }
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const dataPlanes: DataPlane[] = [];
  let url: string;
  let tlsUrl: string | undefined;
  let status: Server | undefined;
  let statusUrl: string | undefined;
  try {
    if (options.listenTls) {
      const secure = createDataPlane(runtime, logger, { requestTimeoutMs, tls: true });
      dataPlanes.push(secure);
      await secure.app.listen({ host: options.listenTls.host, port: options.listenTls.port });
      const address = secure.app.server.address() as AddressInfo;
      tlsUrl = addressUrl(address, 'https');
      runtime.setHttpsPort(address.port);
    }
    const plain = createDataPlane(runtime, logger, { requestTimeoutMs });
    dataPlanes.unshift(plain);
    await plain.app.listen({ host: options.listen.host, port: options.listen.port });
    url = addressUrl(plain.app.server.address() as AddressInfo);
    if (options.statusListen) {
      status = createStatusServer({
        runtime,
        controlUp: () => supervisor.controlUp,
        ...(options.statusMetrics ? { metrics: () => supervisor.metrics() } : {}),
      });
      const listening = status;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(options.statusListen!.port, options.statusListen!.host, () => resolve());
      });
      statusUrl = addressUrl(status.address() as AddressInfo);
    }
  } catch (err) {
    status?.close();
    await Promise.all(dataPlanes.map((d) => d.app.close()));
    await supervisor.close();
    await runtime.close();
    counters.close();
    throw err;
  }
  logger.info(
    {
      url,
      ...(tlsUrl ? { tlsUrl } : {}),
      ...(statusUrl ? { statusUrl } : {}),
      adminUrl,
      ready: runtime.serving.notReady === undefined,
    },
    'gateway listening',
  );
  // Log rotation: the access-record file is opened again, as nginx and Envoy do on SIGHUP.
  const reopen = () => runtime.reopenRecords();
  process.on('SIGHUP', reopen);
  let closing: Promise<void> | undefined;
  return {
    url,
    ...(tlsUrl ? { tlsUrl } : {}),
    ...(statusUrl ? { statusUrl } : {}),
    adminUrl,
    adminToken,
    restarts: supervisor.restarts,
    settled: supervisor.settled,
    close: () =>
      (closing ??= (async () => {
        // Stop taking requests and let in-flight ones finish; then the control side finishes its apply; then pools and timers go.
        await Promise.all(dataPlanes.map(drain));
        // Probes answer until traffic is drained (a load balancer sees the node go), then stop.
        if (status) await new Promise((resolve) => status!.close(resolve).closeAllConnections());
        await supervisor.close();
        await runtime.close();
        counters.close();
        process.off('SIGHUP', reopen);
      })()),
  };
}

/**
 * Closes the data plane once its requests are answered. A keep-alive connection
 * that was busy when the close began turns idle once its response is sent: it is
 * closed then, not after the keep-alive timeout.
 */
async function drain(dataPlane: DataPlane): Promise<void> {
  const closeIdle = setInterval(() => dataPlane.closeIdle(), 50);
  try {
    await dataPlane.app.close();
  } finally {
    clearInterval(closeIdle);
  }
}

function addressUrl(address: AddressInfo, scheme: 'http' | 'https' = 'http'): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host}:${address.port}`;
}

/** Without a configured token the admin API is still locked: a random token is kept in the state dir (mode 0600). */
async function loadOrCreateToken(stateDir: string | undefined, logger: Logger): Promise<string> {
  if (!stateDir) {
    logger.warn('no admin token configured and no state dir: the admin API uses a random token nobody knows');
    return randomBytes(32).toString('hex');
  }
  const file = path.join(stateDir, 'admin-token');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const token = randomBytes(32).toString('hex');
    await mkdir(stateDir, { recursive: true, mode: 0o700 });
    await writeFile(file, token + '\n', { mode: 0o600 });
    logger.info({ file }, 'generated an admin API token');
    return token;
  }
}
