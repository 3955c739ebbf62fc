import type { NodeCounts } from '../alerts/counts.js';
import type { ControlEngine, Transaction } from '../gateway/control/engine.js';
import type { FingerprintView, LiveView, TransactionResult } from './admin-client.js';

/** What the planner and the reconciler need from a gateway node, remote (admin API) or in-process. */
export interface LiveClient {
  /** The key the node's secret checks are made with (derived from its admin token): plans compare secrets through it. */
  readonly secretCheckKey: string;
  getFingerprints(): Promise<FingerprintView>;
  /** What the node counted per API since it started (alerts compare two readings). */
  getCounts(): Promise<NodeCounts>;
  getState(apis?: readonly string[]): Promise<LiveView>;
  transaction(tx: Transaction): Promise<TransactionResult>;
}

export interface NodeTarget {
  name: string;
  client: LiveClient;
}

/** The gateway of this very process (embedded local mode): same protocol, no network. */
export class EngineClient implements LiveClient {
  constructor(private readonly engine: ControlEngine) {}

  get secretCheckKey(): string {
    return this.engine.secretCheckKey;
  }

  async getCounts(): Promise<NodeCounts> {
    return this.engine.counts();
  }

  async getFingerprints(): Promise<FingerprintView> {
    const view = this.engine.fingerprintView();
    const live: FingerprintView = { revision: view.revision, digest: view.digest };
    if (view.fingerprints) live.fingerprints = view.fingerprints;
    if (view.holding) live.holding = true;
    return live;
  }

  async getState(apis?: readonly string[]): Promise<LiveView> {
    const view = this.engine.publicView(apis);
    const live: LiveView = { revision: view.revision, digest: view.digest };
    if (view.source) live.source = view.source;
    if (view.state) live.state = view.state;
    return live;
  }

  async transaction(tx: Transaction): Promise<TransactionResult> {
    const outcome = await this.engine.apply(tx);
    if (outcome.ok)
      return {
        ok: true,
        revision: outcome.revision,
        changedApis: outcome.changedApis,
        unchanged: outcome.unchanged,
        durationMs: outcome.durationMs,
      };
    const result: TransactionResult = {
      ok: false,
      status: outcome.status,
      error: outcome.code,
      message: outcome.message,
    };
    if (outcome.problems) result.problems = outcome.problems;
    return result;
  }
}
