import type { IncomingHttpHeaders } from 'node:http';
import type { Exchange, Reply } from '../../src/policies/sdk/index.js';

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

/** A request body exchange that counts the bytes a policy pulled from readBodyChunks. */
export interface CountingExchange extends TestExchange {
  /** Bytes handed out by readBodyChunks so far. */
  consumed: number;
}

export function bufferExchange(
  body: Buffer | string,
  options: { contentType?: string; method?: string; chunkSize?: number; onChunk?: (index: number) => void } = {},
): CountingExchange {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = {};
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  if (bytes.length > 0) headers['content-length'] = String(bytes.length);
  const exchange = makeExchange({
    method: options.method ?? 'POST',
    headers,
    body: bytes,
    chunkSize: options.chunkSize ?? 64 * 1024,
  });
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
