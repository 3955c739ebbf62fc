/**
 * One request as it went through the gateway. Never a credential, an
 * Authorization value, a query string or a body: identities are the ids the
 * policies established, with whether they were verified.
 */
export interface AccessRecord {
  /** Epoch milliseconds of the request's arrival, to the microsecond (replay keeps the order requests arrived in). */
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

/** One NDJSON line; `time` as an RFC 3339 date with microseconds, the way log pipelines read it. */
export function recordLine(record: AccessRecord): string {
  return `${JSON.stringify({ ...record, time: isoMicroseconds(record.time) })}\n`;
}

export function isoMicroseconds(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.round((epochMs - whole) * 1000);
  return `${new Date(whole).toISOString().slice(0, -1)}${String(Math.min(micros, 999)).padStart(3, '0')}Z`;
}

const ISO_FRACTION = /\.(\d+)Z$/;

/** The epoch milliseconds of an RFC 3339 date, its fraction kept below the millisecond (Date.parse drops it). */
export function parseRecordTime(text: string): number {
  const ms = Date.parse(text);
  const fraction = ISO_FRACTION.exec(text)?.[1];
  if (!Number.isFinite(ms) || fraction === undefined || fraction.length <= 3) return ms;
  return ms + Number(`0.${fraction.slice(3)}`);
}
