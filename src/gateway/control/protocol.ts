import type { ManifestLimits } from '../../manifest/limits.js';
import type { GatekeeperMode } from '../../manifest/types.js';
import type { ControlRestarts } from '../admin/server.js';

export interface Listen {
  host: string;
  port: number;
}

/** What the control worker is started with. */
export interface ControlWorkerData {
  stateDir?: string;
  gatekeeper?: GatekeeperMode;
  gatekeeperGraceMs?: number;
  adminListen: Listen;
  adminToken: string;
  logLevel: string;
  baseDir: string;
  /** Embedded local mode: the worker reconciles this folder into the gateway. */
  embedded?: { paths: string[]; env?: string; watch: boolean; followExternalLinks?: boolean };
  /** The data plane serves the persisted state already: this worker replaces one that crashed. */
  resumed: boolean;
  restarts: ControlRestarts;
  /** The manifests (by file fingerprint) that were being read when the previous worker died: not read again until they change. */
  poisoned?: string;
  limits: ManifestLimits;
  /** HTTPS for the admin API: certificate and key files, and a CA whose client certificates it requires (mTLS). */
  adminTls?: AdminTlsFiles;
  /** How often referenced TLS files are read again (a renewed mounted secret); 0: never. */
  tlsPollMs: number;
}

export interface AdminTlsFiles {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

/** Messages of the control worker besides the data-plane link's calls. */
export type WorkerEvent =
  | { kind: 'ready'; adminUrl: string }
  /** Embedded mode: the reconcile loop ran once (applied, or reported why not). */
  | { kind: 'settled' }
  | { kind: 'failed'; message: string }
  | { kind: 'reading'; fingerprint: string }
  | { kind: 'read'; fingerprint: string }
  | { kind: 'closed' }
  | { kind: 'metrics'; id: number; text: string };

export type SupervisorCommand = { kind: 'shutdown' } | { kind: 'render-metrics'; id: number };
