import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { GatekeeperMode } from '../manifest/types.js';
import { markRepeatedHeaders } from '../policies/shared/repeated-headers.js';
import { createAdminServer } from './admin/server.js';
import { MemoryCounterStore } from './counters/memory.js';
import { createDataPlane } from './data-plane/server.js';
import { GatewayEngine } from './engine.js';

export interface Listen {
  host: string;
  port: number;
}

export interface GatewayOptions {
  listen: Listen;
  adminListen: Listen;
  /** Bearer token of the admin API; generated and saved in stateDir when absent. */
  adminToken?: string;
  stateDir?: string;
  gatekeeper?: GatekeeperMode;
  baseDir?: string;
  logger: Logger;
}

export interface RunningGateway {
  engine: GatewayEngine;
  url: string;
  adminUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  const counters = new MemoryCounterStore();
  const engine = new GatewayEngine({ logger, counters, ...(options.stateDir ? { stateDir: options.stateDir } : {}), ...(options.gatekeeper ? { gatekeeper: options.gatekeeper } : {}), ...(options.baseDir ? { baseDir: options.baseDir } : {}) });
  await engine.start();
  const adminToken = options.adminToken ?? (await loadOrCreateToken(options.stateDir, logger));
  const dataPlane = createDataPlane(engine, logger);
  // Policies refuse credentials sent twice; node:http folds repeated headers before they can tell.
  dataPlane.addHook('onRequest', (request, _reply, done) => {
    markRepeatedHeaders(request.raw.headers, request.raw.rawHeaders);
    done();
  });
  const admin = createAdminServer({ engine, token: adminToken, logger });
  await dataPlane.listen({ host: options.listen.host, port: options.listen.port });
  await admin.listen({ host: options.adminListen.host, port: options.adminListen.port });
  const url = addressUrl(dataPlane.server.address() as AddressInfo);
  const adminUrl = addressUrl(admin.server.address() as AddressInfo);
  logger.info({ url, adminUrl, revision: engine.revision, ready: engine.serving.notReady === undefined }, 'gateway listening');
  let closing: Promise<void> | undefined;
  return {
    engine,
    url,
    adminUrl,
    adminToken,
    close: () =>
      (closing ??= (async () => {
        // Stop taking requests, let in-flight ones finish, then release pools and timers.
        await Promise.all([dataPlane.close(), admin.close()]);
        await engine.close();
        counters.close();
      })()),
  };
}

function addressUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
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
