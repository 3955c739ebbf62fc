import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { Limit } from '../../manifest/types.js';
import type { StoredSecret } from '../../secrets/sealed.js';
import type { CredentialsConfig } from '../../policies/client-id-enforcement/index.js';
import type { CounterStore } from '../counters/types.js';

/**
 * The runtime contract between the chain compiler and the policy modules.
 * Handlers run on the request path: no schema validation, no allocation-heavy
 * work, no logging above debug. Everything that can be computed from config is
 * computed in the factory, once per reload.
 */

/** One request as the policies see it. Mutations of requestHeaders reach the upstream. */
export interface Exchange {
  readonly method: string;
  /** Path below the API's base path, always starting with '/', without the query string. */
  readonly path: string;
  /** Query string without the '?', or ''. */
  readonly search: string;
  readonly host: string;
  /** The TCP peer's address (IPv4-mapped IPv6 unwrapped). */
  readonly remoteAddress: string;
  readonly requestHeaders: IncomingHttpHeaders;
  /**
   * How many times the request carried this header field (lower-case name).
   * node:http folds repeats (joins unknown ones, keeps the first Authorization),
   * so a policy that must refuse a credential sent twice asks here.
   */
  headerCount(lowerName: string): number;
  /** Headers added to whatever response reaches the client (upstream's or a short-circuit). */
  readonly responseHeaders: OutgoingHttpHeaders;
  /** Reads the whole request body (at most `limit` bytes, else a 413 Reply is thrown). Later reads get the same buffer, and the upstream gets it too. */
  readBody(limit: number): Promise<Buffer>;
  /** Streams the request body chunk by chunk (for parsers that check limits while reading); the upstream gets the bytes read. */
  readBodyChunks(limit: number): AsyncIterable<Buffer>;
  /** Per-request scratch shared by the policies of one chain (e.g. the identified client). */
  readonly locals: Record<string, unknown>;
  readonly startedAt: number;
}

/** A response produced by the gateway instead of the upstream (rejection or preflight answer). */
export interface Reply {
  status: number;
  headers?: OutgoingHttpHeaders;
  body?: string | Buffer | Record<string, unknown>;
}

/** The response on its way back to the client; handlers may change status and headers. */
export interface ResponseView {
  status: number;
  readonly headers: OutgoingHttpHeaders;
  /** true when a policy of this chain produced the response. */
  readonly shortCircuited: boolean;
}

export type RequestOutcome = Reply | undefined;

export interface PolicyHandlers {
  /** Runs in chain order. Returning a Reply stops the chain: the upstream is not called. */
  request?(exchange: Exchange): RequestOutcome | Promise<RequestOutcome>;
  /** Runs in reverse chain order, for the policies whose request handler ran (or that have none). */
  response?(exchange: Exchange, response: ResponseView): void;
  /** Called when the compiled chain is replaced and this instance is not carried over. */
  dispose?(): void;
}

export interface ApplicationRuntime {
  name: string;
  clientId: string;
  clientSecret?: StoredSecret;
  /** Contracts of this application for the current API version, with the tier's limits. */
  tier?: { name: string; limits: Limit[] };
}

export interface PolicyContext {
  apiName: string;
  apiVersion: string;
  policyName: string;
  logger: Logger;
  /** Applications holding a contract for this API version in this environment, by client id. */
  applications: ReadonlyMap<string, ApplicationRuntime>;
  /**
   * How clients of this chain present their credentials: as its client-identifying
   * policy (client-id-enforcement, rate-limiting-sla) reads them, else client_id and
   * client_secret headers with the secret required. A policy that keys anything by a
   * client identity verifies it this way where it takes the key.
   */
  clientCredentials: CredentialsConfig;
  /** Counters that survive reloads (and, with shared storage, are shared between replicas). */
  counters: CounterStore;
  /**
   * State that survives a reload while `key` is unchanged (e.g. a queue), scoped
   * to this api + policy. `init` runs when no such state exists yet.
   */
  keep<T>(key: string, init: () => T): T;
  /** Directory custom-policy modules are resolved against. */
  baseDir: string;
}

export type PolicyFactory<Config> = (config: Config, ctx: PolicyContext) => PolicyHandlers | Promise<PolicyHandlers>;
