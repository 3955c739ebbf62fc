import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { pino } from 'pino';
import type { ApplicationRuntime, Exchange, PolicyContext, PolicyHandlers, Reply } from '../../src/gateway/chain/types.js';
import type { CounterStore } from '../../src/gateway/counters/types.js';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import { DEFAULT_CLIENT_CREDENTIALS } from '../../src/policies/client-id-enforcement/index.js';

/** An in-memory request, as the gateway would hand it to the policies. */
export interface ExchangeInit {
  method?: string;
  path?: string;
  search?: string;
  host?: string;
  remoteAddress?: string;
  /** Names are lower-cased, as node:http does. */
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Size of the chunks readBodyChunks yields. */
  chunkSize?: number;
}

/** A real Exchange over an in-memory request; `bodyReads` counts how often the body was read. */
export interface TestExchange extends Exchange {
  bodyReads: number;
}

export function makeExchange(init: ExchangeInit = {}): TestExchange {
  const body = typeof init.body === 'string' ? Buffer.from(init.body) : (init.body ?? Buffer.alloc(0));
  const chunkSize = init.chunkSize ?? 16;
  const requestHeaders: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(init.headers ?? {})) requestHeaders[name.toLowerCase()] = value;

  const tooLarge = (): Reply => ({ status: 413, body: { error: 'request body too large' } });
  const exchange: TestExchange = {
    method: init.method ?? 'GET',
    path: init.path ?? '/',
    search: init.search ?? '',
    host: init.host ?? 'gateway.test',
    remoteAddress: init.remoteAddress ?? '127.0.0.1',
    requestHeaders,
    responseHeaders: {},
    locals: {},
    startedAt: Date.now(),
    bodyReads: 0,
    headerCount(lowerName) {
      const value = requestHeaders[lowerName];
      return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
    },
    async readBody(limit) {
      exchange.bodyReads++;
      if (body.length > limit) throw tooLarge();
      return body;
    },
    async *readBodyChunks(limit) {
      exchange.bodyReads++;
      let read = 0;
      for (let offset = 0; offset < body.length; offset += chunkSize) {
        const chunk = body.subarray(offset, offset + chunkSize);
        read += chunk.length;
        if (read > limit) throw tooLarge();
        yield chunk;
      }
    },
  };
  return exchange;
}

/** One parsed pino line. */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

export interface TestContext {
  ctx: PolicyContext;
  counters: CounterStore;
  /** State kept across reloads: pass it to the next makeContext to simulate a reload. */
  kept: Map<string, unknown>;
  /** Every line the logger wrote, raw. */
  lines: string[];
  records(): LogRecord[];
}

export interface ContextInit {
  apiName?: string;
  apiVersion?: string;
  policyName?: string;
  applications?: ApplicationRuntime[];
  counters?: CounterStore;
  kept?: Map<string, unknown>;
  baseDir?: string;
  logLevel?: string;
}

/** A real PolicyContext: memory counters, pino writing to memory, keep() over a Map. */
export function makeContext(init: ContextInit = {}): TestContext {
  const lines: string[] = [];
  const logger = pino({ level: init.logLevel ?? 'debug' }, { write: (line: string) => void lines.push(line) });
  const counters = init.counters ?? new MemoryCounterStore({ sweepIntervalMs: 0 });
  const kept = init.kept ?? new Map<string, unknown>();
  const apiName = init.apiName ?? 'orders';
  const policyName = init.policyName ?? 'policy';
  const ctx: PolicyContext = {
    apiName,
    apiVersion: init.apiVersion ?? 'v1',
    policyName,
    logger,
    applications: new Map((init.applications ?? []).map((app) => [app.clientId, app])),
    clientCredentials: DEFAULT_CLIENT_CREDENTIALS,
    counters,
    keep<T>(key: string, create: () => T): T {
      const id = `${apiName}/${policyName}/${key}`;
      if (!kept.has(id)) kept.set(id, create());
      return kept.get(id) as T;
    },
    baseDir: init.baseDir ?? process.cwd(),
  };
  return { ctx, counters, kept, lines, records: () => lines.map((line) => JSON.parse(line) as LogRecord) };
}

export interface Upstream {
  status?: number;
  headers?: OutgoingHttpHeaders;
}

export interface ChainResult {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Reply['body'];
  upstreamCalled: boolean;
  shortCircuited: boolean;
}

/**
 * Runs handlers as the chain contract describes: requests in order until one
 * replies, then the response handlers of the policies reached, in reverse.
 * exchange.responseHeaders are added to whatever response comes back.
 */
export async function runChain(chain: readonly PolicyHandlers[], exchange: Exchange, upstream: Upstream = {}): Promise<ChainResult> {
  const reached: PolicyHandlers[] = [];
  let reply: Reply | undefined;
  for (const handlers of chain) {
    reached.push(handlers);
    if (!handlers.request) continue;
    try {
      reply = await handlers.request(exchange);
    } catch (thrown) {
      // readBody throws a Reply (413); anything else is a bug the test should see.
      if (thrown !== null && typeof thrown === 'object' && 'status' in thrown) reply = thrown as Reply;
      else throw thrown;
    }
    if (reply) break;
  }
  const headers: OutgoingHttpHeaders = { ...(reply ? reply.headers : upstream.headers) };
  Object.assign(headers, exchange.responseHeaders);
  const view = { status: reply ? reply.status : (upstream.status ?? 200), headers, shortCircuited: reply !== undefined };
  for (let i = reached.length - 1; i >= 0; i--) reached[i]?.response?.(exchange, view);
  return { status: view.status, headers, body: reply?.body, upstreamCalled: reply === undefined, shortCircuited: view.shortCircuited };
}

/** Shortcut: one request through one chain. */
export function send(chain: PolicyHandlers | readonly PolicyHandlers[], init: ExchangeInit = {}, upstream?: Upstream): Promise<ChainResult> {
  return runChain(Array.isArray(chain) ? chain : [chain as PolicyHandlers], makeExchange(init), upstream);
}

/** A request body exchange that counts the bytes a policy pulled from readBodyChunks. */
export interface CountingExchange extends TestExchange {
  /** Bytes handed out by readBodyChunks so far. */
  consumed: number;
}

export function bufferExchange(body: Buffer | string, options: { contentType?: string; method?: string; chunkSize?: number; onChunk?: (index: number) => void } = {}): CountingExchange {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (bytes.length > 0) headers['content-length'] = String(bytes.length);
  const exchange = makeExchange({ method: options.method ?? 'POST', headers, body: bytes, chunkSize: options.chunkSize ?? 64 * 1024 });
  const readChunks = exchange.readBodyChunks.bind(exchange);
  const counting = Object.assign(exchange, { consumed: 0 });
  counting.readBodyChunks = async function* (limit: number) {
    let index = 0;
    for await (const chunk of readChunks(limit)) {
      options.onChunk?.(index++);
      counting.consumed += chunk.length;
      yield chunk;
    }
  };
  return counting;
}
