import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { keyMatches, parseCertificateChain, parsePrivateKey } from '../../tls/pem.js';
import { constants, setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { AddressInfo } from 'node:net';
import { createLogger } from '../../log/logger.js';
import type { Inventory } from '../../manifest/discover.js';
import { embeddedReconciler } from '../../reconcile/embedded.js';
import { createAdminServer, renderMetrics } from '../admin/server.js';
import { secretCheckKey } from '../../secrets/sealed.js';
import { ControlEngine } from './engine.js';
import { portLink } from './link.js';
import type { AdminTlsFiles, ControlWorkerData, SupervisorCommand, WorkerEvent } from './protocol.js';

/**
 * The gateway's control side, in a worker thread: the admin API, the
 * transaction checks, persistence and, in embedded mode, the reconcile loop
 * with its manifest reading and validation. Its heap is bounded; if it dies,
 * the data plane keeps serving and the supervisor starts another one.
 */
const port = parentPort;
if (!port) throw new Error('the control worker runs in a worker thread');
const data = workerData as ControlWorkerData;
const logger = createLogger(data.logLevel).child({ thread: 'control' });
const emit = (event: WorkerEvent) => port.postMessage(event);

// Below the data plane's priority (Linux nices threads one by one): when both want a core, requests win.
try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  /* not permitted here: the control side runs at normal priority */
}

try {
  const link = portLink(port);
  const engine = new ControlEngine({
    logger,
    link,
    secretCheckKey: secretCheckKey(data.adminToken),
    resumed: data.resumed,
    ...(data.stateDir ? { stateDir: data.stateDir } : {}),
    ...(data.gatekeeper ? { gatekeeper: data.gatekeeper } : {}),
    ...(data.gatekeeperGraceMs !== undefined ? { gatekeeperGraceMs: data.gatekeeperGraceMs } : {}),
  });
  await engine.start();
  const reconciler = data.embedded
    ? embeddedReconciler(engine, {
        paths: data.embedded.paths,
        watch: data.embedded.watch,
        logger,
        limits: data.limits,
        readGuard: readGuard(data.poisoned),
        // This thread's environment is its own copy, which nothing changes: a plain object reads a
        // variable in nanoseconds, process.env in microseconds (thousands of secrets per reconcile).
        variables: { ...process.env },
        ...(data.embedded.env ? { env: data.embedded.env } : {}),
        ...(data.embedded.followExternalLinks ? { followExternalLinks: true } : {}),
      })
    : undefined;
  const adminTls = data.adminTls ? await readAdminTls(data.adminTls) : undefined;
  const admin = createAdminServer({
    engine,
    link,
    token: data.adminToken,
    logger,
    restarts: data.restarts,
    ...(adminTls ? { tls: adminTls.material } : {}),
    ...(reconciler ? { reconciler: () => reconciler.snapshot() } : {}),
  });
  await admin.listen({ host: data.adminListen.host, port: data.adminListen.port });
  const address = admin.server.address() as AddressInfo;
  const poll = data.tlsPollMs > 0 ? setInterval(() => void refreshTls(), data.tlsPollMs) : undefined;
  poll?.unref();
  let adminTlsFingerprint = adminTls?.fingerprint;
  /** Certificates renewed in place: the data plane's by the engine, the admin API's here (new handshakes get the new one). */
  const refreshTls = async () => {
    try {
      await engine.refreshTls();
      if (!data.adminTls) return;
      const renewed = await readAdminTls(data.adminTls);
      if (renewed.fingerprint === adminTlsFingerprint) return;
      (admin.server as unknown as { setSecureContext(options: object): void }).setSecureContext({
        cert: renewed.material.cert,
        key: renewed.material.key,
        minVersion: 'TLSv1.2',
        ...(renewed.material.ca ? { ca: renewed.material.ca } : {}),
      });
      adminTlsFingerprint = renewed.fingerprint;
      logger.info('the admin API serves its renewed certificate');
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'TLS files could not be read again; what serves keeps serving');
    }
  };
  port.on('message', (message: SupervisorCommand | { kind: string }) => {
    const command = message as SupervisorCommand;
    if (command.kind === 'render-metrics') {
      void renderMetrics(engine, link, data.restarts).then((text) => emit({ kind: 'metrics', id: command.id, text }));
      return;
    }
    if (message.kind !== 'shutdown') return;
    void (async () => {
      if (poll) clearInterval(poll);
      await reconciler?.close();
      await admin.close();
      await engine.close();
      emit({ kind: 'closed' });
      port.close();
    })();
  });
  // The data plane opens its port now: while the first reconcile runs, the gatekeeper answers 503.
  emit({
    kind: 'ready',
    adminUrl: `${adminTls ? 'https' : 'http'}://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
  });
  await reconciler?.start();
  emit({ kind: 'settled' });
} catch (err) {
  emit({ kind: 'failed', message: (err as Error).message });
}

/** The admin API's certificate, key and client CA, checked so that a bad pair fails here with a clear message. */
async function readAdminTls(
  files: AdminTlsFiles,
): Promise<{ material: { cert: string; key: string; ca?: string }; fingerprint: string }> {
  const [cert, key, ca] = await Promise.all([
    readFile(files.certFile, 'utf8'),
    readFile(files.keyFile, 'utf8'),
    files.clientCaFile ? readFile(files.clientCaFile, 'utf8') : undefined,
  ]);
  const chain = parseCertificateChain(cert);
  if (!chain.ok) throw new Error(`--admin-tls-cert ${files.certFile}: ${chain.reason}`);
  const parsedKey = parsePrivateKey(key);
  if (!parsedKey.ok) throw new Error(`--admin-tls-key ${files.keyFile}: ${parsedKey.reason}`);
  if (!keyMatches(chain.leaf, parsedKey.key))
    throw new Error(`--admin-tls-key ${files.keyFile} does not match --admin-tls-cert ${files.certFile}`);
  const fingerprint = createHash('sha256')
    .update(cert)
    .update('\0')
    .update(key)
    .update('\0')
    .update(ca ?? '')
    .digest('hex');
  return { material: { cert, key, ...(ca ? { ca } : {}) }, fingerprint };
}

/**
 * Tells the supervisor which manifests are being read, so that a crash while
 * reading them (a heap exhausted by a pathological file) is pinned on them: the
 * next worker refuses to read the same files until one of them changes.
 */
function readGuard(poisoned: string | undefined) {
  let reading: string | undefined;
  return {
    before({ stats }: Inventory): string | undefined {
      const fingerprint = createHash('sha256')
        .update(stats.map((s) => `${s.file}\0${s.size}\0${s.mtimeMs}`).join('\n'))
        .digest('hex');
      if (fingerprint === poisoned) {
        return 'these manifests crashed the control side (its heap is bounded) the last time they were read; they are not read again until a file changes. The last good state keeps serving; split or shrink the largest files';
      }
      reading = fingerprint;
      emit({ kind: 'reading', fingerprint });
      return undefined;
    },
    after(): void {
      if (reading !== undefined) emit({ kind: 'read', fingerprint: reading });
      reading = undefined;
    },
  };
}
