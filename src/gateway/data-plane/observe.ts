import type { CompiledApi } from '../chain/compiled.js';
import type { RequestPass } from '../chain/run.js';
import type { Exchange } from '../chain/types.js';
import { LOCAL_CLAIMED_CLIENT_ID, LOCAL_CLIENT_ID, LOCAL_PRINCIPAL } from '../../policies/shared/locals.js';
import type { AccessRecord } from '../records/access-record.js';
import type { RecordSink } from '../records/sink.js';

/** Longest Origin or X-Forwarded-For value a record keeps. */
const HEADER_CAP = 512;

/** Where the access records of the served environment go, and who writes them. */
export interface Recording {
  sink: RecordSink;
  environment: string;
  node: string;
  /** For requests no API serves (404, a bad path, 503 while not ready). */
  sampling: number;
}

/** What is known of a request when its response ends. */
export interface Ended {
  startedAt: number;
  method: string;
  /** The normalized path (with the base path), or the raw one when it could not be normalized. */
  path: string;
  clientIp: string;
  status: number;
  bytes: number;
  api?: CompiledApi | undefined;
  exchange?: Exchange | undefined;
  pass?: RequestPass | undefined;
  aborted?: boolean;
}

/**
 * The end of every request: the API's response cells (status, latency; what
 * alerts and /metrics read) and, when sampled, its access record. Cheap on
 * purpose: a few increments, a random number, and for a record one object
 * handed to the writer thread.
 */
export function observe(recording: Recording | undefined, ended: Ended): void {
  const latencyMs = performance.now() - ended.startedAt;
  const api = ended.api;
  if (api) {
    api.metrics.responses.latency.observe(latencyMs / 1000);
    api.metrics.responses.countStatus(ended.status);
  }
  if (recording === undefined) return;
  const sampling = api ? api.recordSampling : recording.sampling;
  if (sampling <= 0 || (sampling < 1 && Math.random() >= sampling)) return;
  recording.sink.push(recordOf(recording, ended, latencyMs));
}

function recordOf(recording: Recording, ended: Ended, latencyMs: number): AccessRecord {
  const { api, exchange, pass } = ended;
  const record: AccessRecord = {
    time: Math.round((performance.timeOrigin + ended.startedAt) * 1000) / 1000,
    environment: recording.environment,
    node: recording.node,
    api: api?.name ?? null,
    method: ended.method,
    path: ended.path,
    status: ended.status,
    latencyMs: Math.round(latencyMs * 1000) / 1000,
    bytes: ended.bytes,
    clientIp: ended.clientIp,
    policies: [],
  };
  if (exchange) {
    const { origin, 'x-forwarded-for': forwardedFor } = exchange.requestHeaders;
    if (typeof origin === 'string') record.origin = origin.slice(0, HEADER_CAP);
    if (typeof forwardedFor === 'string') record.forwardedFor = forwardedFor.slice(0, HEADER_CAP);
    const verified = exchange.locals[LOCAL_CLIENT_ID];
    const claimedClientId = exchange.locals[LOCAL_CLAIMED_CLIENT_ID];
    if (typeof verified === 'string') record.client = { id: verified, verified: true };
    else if (typeof claimedClientId === 'string') record.client = { id: claimedClientId, verified: false };
    const principal = exchange.locals[LOCAL_PRINCIPAL];
    if (typeof principal === 'string') record.principal = principal;
  }
  if (api && pass) {
    const last = pass.reply ? pass.stoppedAt : pass.stoppedAt - 1;
    for (let i = 0; i <= last; i++)
      if (!pass.skipped?.has(i)) record.policies.push((api.policies[i] as { name: string }).name);
    if (pass.reply) record.answeredBy = api.policies[pass.stoppedAt]?.name;
  }
  if (ended.aborted) record.aborted = true;
  return record;
}
