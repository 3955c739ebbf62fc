/**
 * One request as it went through the gateway. Never a credential, an
 * Authorization value, a query string or a body: identities are the ids the
 * policies established, with whether they were verified.
 */
export interface AccessRecord {
  /** Epoch milliseconds of the request's arrival. */
  time: number;
  environment: string;
  node: string;
  /** The API that served it; null when none did (404, 400 for a bad path, 503 while not ready). */
  api: string | null;
  method: string;
  /** The normalized path, with the base path, without the query string. */
  path: string;
  status: number;
  latencyMs: number;
  /** Bytes of the response body sent. */
  bytes: number;
  /** The TCP peer's address. */
  clientIp: string;
  /** The Origin and X-Forwarded-For headers as received (what CORS and client-address policies read; replay sends them again). */
  origin?: string;
  forwardedFor?: string;
  client?: { id: string; verified: boolean };
  /** Who an authentication policy verified (e.g. the basic-auth user). */
  principal?: string;
  /** The policy that answered the request itself (a rejection, a preflight), if one did. */
  answeredBy?: string;
  /** The policies that ran on the request, in chain order (rules skip some). */
  policies: string[];
  /** The response was cut (the client left or the upstream broke mid-body). */
  aborted?: true;
}

/** One NDJSON line; `time` as an ISO date, the way log pipelines read it. */
export function recordLine(record: AccessRecord): string {
  return `${JSON.stringify({ ...record, time: new Date(record.time).toISOString() })}\n`;
}
