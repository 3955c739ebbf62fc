import { parseRecordTime, type AccessRecord } from '../gateway/records/access-record.js';

/** What replay needs of an access record. */
export type ReplayRecord = Pick<
  AccessRecord,
  | 'time'
  | 'api'
  | 'method'
  | 'path'
  | 'status'
  | 'clientIp'
  | 'client'
  | 'principal'
  | 'answeredBy'
  | 'origin'
  | 'forwardedFor'
> & { environment?: string };

/** A line that is not an access record: where, and why. */
export interface RecordProblem {
  file: string;
  line: number;
  message: string;
}

/** One NDJSON line as a record, or why it is not one. Unknown fields are ignored (records gain fields over versions). */
export function parseRecordLine(text: string): ReplayRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  const time = typeof r.time === 'number' ? r.time : typeof r.time === 'string' ? parseRecordTime(r.time) : NaN;
  if (!Number.isFinite(time)) return '"time" is not a date';
  if (typeof r.method !== 'string' || r.method === '') return '"method" is missing';
  if (typeof r.path !== 'string' || !r.path.startsWith('/')) return '"path" is not a path';
  if (!Number.isInteger(r.status)) return '"status" is not a status code';
  if (typeof r.clientIp !== 'string') return '"clientIp" is missing';
  if (r.api !== null && r.api !== undefined && typeof r.api !== 'string') return '"api" is not a name';
  const record: ReplayRecord = {
    time,
    api: typeof r.api === 'string' ? r.api : null,
    method: r.method,
    path: r.path,
    status: r.status as number,
    clientIp: r.clientIp,
  };
  const client = r.client as { id?: unknown; verified?: unknown } | undefined;
  if (client !== undefined) {
    if (
      typeof client !== 'object' ||
      client === null ||
      typeof client.id !== 'string' ||
      typeof client.verified !== 'boolean'
    )
      return '"client" is not {id, verified}';
    record.client = { id: client.id, verified: client.verified };
  }
  if (typeof r.environment === 'string') record.environment = r.environment;
  if (typeof r.principal === 'string') record.principal = r.principal;
  if (typeof r.answeredBy === 'string') record.answeredBy = r.answeredBy;
  if (typeof r.origin === 'string') record.origin = r.origin;
  if (typeof r.forwardedFor === 'string') record.forwardedFor = r.forwardedFor;
  return record;
}
