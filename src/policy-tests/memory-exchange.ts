import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Exchange, ProvenIdentity, Reply } from '../policies/sdk/index.js';

/** What one in-memory request carries, as the data plane would have parsed it. */
export interface MemoryRequest {
  method: string;
  /** Path below the Api's base path, starting with '/'. */
  path: string;
  /** Query string without '?', or ''. */
  search: string;
  remoteAddress: string;
  /** Lower-case names, as node:http delivers them. */
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Replay: the identities the recorded request proved. */
  proven?: ProvenIdentity;
}

/** Body reads hand out chunks of this size, so streaming parsers check their limits as they do on the wire. */
const CHUNK_SIZE = 16 * 1024;

const payloadTooLarge = (limit: number): Reply => ({
  status: 413,
  body: { error: `request body larger than ${limit} bytes` },
});

/**
 * The Exchange contract (src/gateway/chain/types.ts) over a request held in
 * memory: what policy tests send through the same compiled chains the gateway
 * runs, without a socket.
 */
export class MemoryExchange implements Exchange {
  readonly method: string;
  readonly path: string;
  readonly search: string;
  readonly remoteAddress: string;
  readonly requestHeaders: IncomingHttpHeaders;
  readonly responseHeaders: OutgoingHttpHeaders = {};
  readonly locals: Record<string, unknown> = {};
  readonly startedAt = performance.now();
  readonly proven?: ProvenIdentity;
  private readonly body: Buffer;

  constructor(request: MemoryRequest) {
    this.method = request.method;
    this.path = request.path;
    this.search = request.search;
    this.remoteAddress = request.remoteAddress;
    this.requestHeaders = request.headers;
    this.body = request.body;
    if (request.proven) this.proven = request.proven;
  }

  /** A header given as a list of values was sent that many times. */
  headerCount(lowerName: string): number {
    const value = this.requestHeaders[lowerName];
    return value === undefined ? 0 : Array.isArray(value) ? value.length : 1;
  }

  get host(): string {
    return this.requestHeaders.host ?? '';
  }

  async readBody(limit: number): Promise<Buffer> {
    if (this.body.length > limit) throw payloadTooLarge(limit);
    return this.body;
  }

  async *readBodyChunks(limit: number): AsyncIterable<Buffer> {
    let size = 0;
    for (let offset = 0; offset < this.body.length; offset += CHUNK_SIZE) {
      const chunk = this.body.subarray(offset, offset + CHUNK_SIZE);
      size += chunk.length;
      // The chunk that crosses the limit is refused, as the gateway's reader does.
      if (size > limit) throw payloadTooLarge(limit);
      yield chunk;
    }
  }
}
