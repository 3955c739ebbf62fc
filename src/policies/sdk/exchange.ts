import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/**
 * The request as policies see it, the replies they can give and the response
 * on its way back: the runtime contract of every policy, built-in or custom.
 * Handlers run on the request path: no schema validation, no allocation-heavy
 * work, no logging above debug. Everything that can be computed from config is
 * computed in the factory, once per reload.
 */

/** One request as the policies see it. Mutations of requestHeaders reach the upstream. */
export interface Exchange {
  readonly method: string;
  /** Path below the API's base path, always starting with '/', without the query string (normalized: one path for routing, rules and the upstream). */
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
  /**
   * Set only when recorded traffic is replayed: the identities the recorded
   * request proved (never its credentials). Policies that identify clients or
   * users take them in place of reading and checking credentials.
   */
  readonly proven?: ProvenIdentity;
  /** Per-request scratch shared by the policies of one chain (e.g. the identified client). */
  readonly locals: Record<string, unknown>;
  readonly startedAt: number;
}

/** What a recorded request proved: the client it named (and whether it proved to be it), the user an authentication policy verified. */
export interface ProvenIdentity {
  client?: { id: string; verified: boolean };
  principal?: string;
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

/** @deprecated Write `Reply | undefined`: a request handler returns a Reply, or nothing to let the request on. */
export type RequestOutcome = Reply | undefined;
