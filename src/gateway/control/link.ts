import type { MessagePort } from 'node:worker_threads';
import type { DataPlaneRuntime, DataPlaneStatus, StageRequest, StageResult } from '../data-plane/runtime.js';

/**
 * What the control side asks of the data plane. Across threads it is a
 * MessagePort (only the changed APIs cross it, structured-cloned); in one
 * thread (tests, tools) a direct call.
 */
export interface DataPlaneLink {
  keys(): Promise<Record<string, string>>;
  /** Compiles the request's APIs on the data plane, not serving them yet. */
  stage(request: StageRequest): Promise<StageResult>;
  commit(): Promise<void>;
  discard(): Promise<void>;
  setNotReady(reason: string | undefined): Promise<void>;
  /** What only the data plane knows: shared storage, access records (for /status and /metrics). */
  dataPlaneStatus(): Promise<DataPlaneStatus>;
  /** What the TLS listeners serve: certificate names, hosts, fingerprints, expiry (no key, no digest). */
  tlsStatus(): Promise<TlsStatus | undefined>;
}

export type TlsStatus = Omit<NonNullable<ReturnType<DataPlaneRuntime['tlsStatus']>>, 'digest'>;

/** The messages that cross the thread boundary: stage() travels as begin, batches of APIs, end. */
interface DataPlaneCalls {
  keys(): Promise<Record<string, string>>;
  beginStage(header: Omit<StageRequest, 'put'>): Promise<{ ok: true } | Extract<StageResult, { ok: false }>>;
  addToStage(put: StageRequest['put']): Promise<{ ok: true } | Extract<StageResult, { ok: false }>>;
  endStage(): Promise<StageResult>;
  commit(): Promise<void>;
  discard(): Promise<void>;
  setNotReady(reason: string | undefined): Promise<void>;
  /** What only the data plane knows: shared storage, access records (for /status and /metrics). */
  dataPlaneStatus(): Promise<DataPlaneStatus>;
  tlsStatus(): Promise<TlsStatus | undefined>;
}

type Method = keyof DataPlaneCalls;

/** APIs per message: each is decoded on the data plane's thread in one go, so they stay small. */
const STAGE_BATCH = 50;

interface Call {
  kind: 'call';
  id: number;
  method: Method;
  arg?: unknown;
}

interface Answer {
  kind: 'answer';
  id: number;
  value?: unknown;
  error?: string;
}

/** A link to a runtime of this very thread. */
export function directLink(runtime: DataPlaneRuntime): DataPlaneLink {
  return {
    keys: async () => runtime.keys(),
    stage: (request) => runtime.stage(request),
    commit: async () => runtime.commit(),
    discard: async () => runtime.discard(),
    setNotReady: async (reason) => runtime.setNotReady(reason),
    dataPlaneStatus: async () => runtime.status(),
    tlsStatus: async () => shownTls(runtime),
  };
}

/** The TLS status without the digest of the material (it stays in the process). */
function shownTls(runtime: DataPlaneRuntime): TlsStatus | undefined {
  const status = runtime.tlsStatus();
  if (!status) return undefined;
  const { digest: _digest, ...shown } = status;
  return shown;
}

/** The control thread's end: every method is a message and its answer. */
export function portLink(port: MessagePort): DataPlaneLink {
  let next = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(err: Error): void }>();
  port.on('message', (message: Answer | { kind: string }) => {
    if (message.kind !== 'answer') return;
    const answer = message as Answer;
    const waiter = pending.get(answer.id);
    if (!waiter) return;
    pending.delete(answer.id);
    if (answer.error !== undefined) waiter.reject(new Error(answer.error));
    else waiter.resolve(answer.value);
  });
  const call = <T>(method: Method, arg?: unknown): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++next;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      const message: Call = arg === undefined ? { kind: 'call', id, method } : { kind: 'call', id, method, arg };
      port.postMessage(message);
    });
  return {
    keys: () => call('keys'),
    stage: async ({ put, ...header }) => {
      const begun = await call<{ ok: true } | Extract<StageResult, { ok: false }>>('beginStage', header);
      if (!begun.ok) return begun;
      for (let at = 0; at < put.length; at += STAGE_BATCH) {
        const added = await call<{ ok: true } | Extract<StageResult, { ok: false }>>(
          'addToStage',
          put.slice(at, at + STAGE_BATCH),
        );
        if (!added.ok) return added;
      }
      return call<StageResult>('endStage');
    },
    commit: () => call('commit'),
    discard: () => call('discard'),
    setNotReady: (reason) => call('setNotReady', reason ?? null),
    dataPlaneStatus: () => call('dataPlaneStatus'),
    tlsStatus: () => call('tlsStatus'),
  };
}

/** The data plane's end: answers the control thread's calls from the runtime. */
export function serveLink(
  port: { on(event: 'message', listener: (message: unknown) => void): unknown; postMessage(message: unknown): void },
  runtime: DataPlaneRuntime,
): void {
  const calls: DataPlaneCalls = {
    keys: async () => runtime.keys(),
    beginStage: (header) => runtime.beginStage(header),
    addToStage: (put) => runtime.addToStage(put),
    endStage: async () => runtime.endStage(),
    commit: async () => runtime.commit(),
    discard: async () => runtime.discard(),
    setNotReady: async (reason) => runtime.setNotReady(reason),
    dataPlaneStatus: async () => runtime.status(),
    tlsStatus: async () => shownTls(runtime),
  };
  port.on('message', (raw) => {
    const message = raw as Call;
    if (message?.kind !== 'call') return;
    const method = calls[message.method] as ((arg?: unknown) => Promise<unknown>) | undefined;
    if (!method)
      return port.postMessage({
        kind: 'answer',
        id: message.id,
        error: `unknown method ${String(message.method)}`,
      } satisfies Answer);
    const arg = message.method === 'setNotReady' && message.arg === null ? undefined : message.arg;
    method(arg).then(
      (value) => port.postMessage({ kind: 'answer', id: message.id, value } satisfies Answer),
      (err: Error) => port.postMessage({ kind: 'answer', id: message.id, error: err.message } satisfies Answer),
    );
  });
}
