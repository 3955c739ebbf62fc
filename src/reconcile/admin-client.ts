import type { NodeCounts } from '../alerts/counts.js';
import { Agent, request, type Dispatcher } from 'undici';
import { NodeUnreachableError, TollgateError } from '../errors/catalog.js';
import { secretCheckKey } from '../secrets/sealed.js';
import { retry } from '../util/retry.js';
import type { EnvironmentState } from '../model/types.js';
import type { Transaction } from '../gateway/control/engine.js';
import type { LiveClient } from './target.js';
import type { StateSource } from '../gateway/state/persistence.js';
import type { StateFingerprints } from '../gateway/state/fingerprint.js';

export interface LiveView {
  revision: number;
  digest: string;
  source?: StateSource;
  /** undefined: the node holds no state (new, or gatekeeper strict after a restart). */
  state?: EnvironmentState;
  /** The node waits for the control plane to confirm its persisted state (gatekeeper flexible after a restart). */
  holding?: true;
}

export interface FingerprintView {
  revision: number;
  digest: string;
  fingerprints?: StateFingerprints;
  /** The node restarted and holds its persisted state until the control plane confirms it (gatekeeper flexible). */
  holding?: true;
}

export interface GatewayNode {
  name: string;
  adminUrl: string;
  /** Resolved bearer token. */
  token: string;
  /** For an https:// admin URL: whom to trust, and a client certificate if the node requires one (mTLS). */
  tls?: AdminTls;
}

/** PEM texts, resolved by the reconciler; never logged or sent anywhere but in the handshake. */
export interface AdminTls {
  ca?: string;
  cert?: string;
  key?: string;
}

export type TransactionResult =
  | { ok: true; revision: number; changedApis: string[]; unchanged: boolean; durationMs: number }
  | { ok: false; status: number; error: string; message: string; problems?: { path: string; message: string }[] };

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  timeoutMs: number;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, timeoutMs: 30_000 };

/** Talks to one node's admin API. Retries transport errors and 5xx with backoff; never 4xx. */
export class AdminClient implements LiveClient {
  readonly secretCheckKey: string;
  /** Connections with the node's CA and client certificate; undefined: undici's global agent. */
  private readonly dispatcher: Dispatcher | undefined;

  constructor(
    readonly node: GatewayNode,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
  ) {
    this.secretCheckKey = secretCheckKey(node.token);
    const tls = node.tls;
    if (tls)
      this.dispatcher = new Agent({
        connect: {
          ...(tls.ca ? { ca: tls.ca } : {}),
          ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
        },
      });
  }

  /** The live state; `apis` narrows it to those APIs (their names go in the query string). */
  async getState(apis?: readonly string[]): Promise<LiveView> {
    const { status, body } = await this.call(
      'GET',
      apis ? `/state?apis=${apis.map(encodeURIComponent).join(',')}` : '/state',
    );
    if (status !== 200)
      throw new TollgateError(
        status === 401 ? 'TG_ADMIN_AUTH' : 'TG_INVALID_STATE',
        `node ${this.node.name}: GET /state answered ${status}: ${describe(body)}`,
      );
    return body as LiveView;
  }

  async getFingerprints(): Promise<FingerprintView> {
    const { status, body } = await this.call('GET', '/state/digests');
    if (status !== 200)
      throw new TollgateError(
        status === 401 ? 'TG_ADMIN_AUTH' : 'TG_INVALID_STATE',
        `node ${this.node.name}: GET /state/digests answered ${status}: ${describe(body)}`,
      );
    return body as FingerprintView;
  }

  async getCounts(): Promise<NodeCounts> {
    const { status, body } = await this.call('GET', '/counts');
    if (status !== 200)
      throw new TollgateError(
        status === 401 ? 'TG_ADMIN_AUTH' : 'TG_INVALID_STATE',
        `node ${this.node.name}: GET /counts answered ${status}: ${describe(body)}`,
      );
    return body as NodeCounts;
  }

  async transaction(tx: Transaction): Promise<TransactionResult> {
    const { status, body } = await this.call('POST', '/transactions', tx);
    if (status === 200)
      return {
        ok: true,
        ...(body as { revision: number; changedApis: string[]; unchanged: boolean; durationMs: number }),
      };
    const b = (body ?? {}) as { error?: string; message?: string; problems?: { path: string; message: string }[] };
    const result: TransactionResult = {
      ok: false,
      status,
      error: b.error ?? `HTTP ${status}`,
      message: b.message ?? describe(body),
    };
    if (b.problems) result.problems = b.problems;
    return result;
  }

  /** One call, retried on transport errors and 5xx (the last attempt's 5xx is the answer). */
  private async call(
    method: 'GET' | 'POST',
    path: string,
    payload?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const result = await retry(
      { attempts: this.retry.attempts, baseDelayMs: this.retry.baseDelayMs, jitter: 0.25 },
      async (_, last) => {
        try {
          const res = await request(new URL(path, this.node.adminUrl), {
            method,
            headers: {
              authorization: `Bearer ${this.node.token}`,
              ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
            headersTimeout: this.retry.timeoutMs,
            bodyTimeout: this.retry.timeoutMs,
            ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
          });
          const text = await res.body.text();
          if (res.statusCode >= 500 && !last) return { ok: false, error: new Error(`HTTP ${res.statusCode}`) };
          return {
            ok: true,
            value: { status: res.statusCode, body: text ? (JSON.parse(text) as unknown) : undefined },
          };
        } catch (err) {
          return { ok: false, error: err };
        }
      },
    );
    if (result.ok) return result.value;
    throw new NodeUnreachableError(
      this.node.name,
      this.node.adminUrl,
      (result.error as Error)?.message ?? 'unknown error',
    );
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message);
  return JSON.stringify(body ?? null);
}
