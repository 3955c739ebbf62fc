import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Exchange, Reply } from '../chain/types.js';

const PAYLOAD_TOO_LARGE = (limit: number): Reply => ({
  status: 413,
  body: { error: `request body larger than ${limit} bytes` },
});

/** The Exchange of one proxied request, over Node's IncomingMessage. */
export class GatewayExchange implements Exchange {
  readonly requestHeaders: IncomingHttpHeaders;
  readonly responseHeaders: OutgoingHttpHeaders = {};
  readonly startedAt = performance.now();
  /** How the client reached the gateway (X-Forwarded-Proto). */
  proto: 'http' | 'https' = 'http';
  private scratch: Record<string, unknown> | undefined;
  /** Chunks read by policies; they are what the upstream receives first. */
  private chunks: Buffer[] | undefined;
  private consumed = false;
  private reading: AsyncIterator<Buffer> | undefined;

  constructor(
    private readonly raw: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly search: string,
    readonly remoteAddress: string,
    /** The headers policies see: the raw ones over HTTP/1.1, without pseudo-headers over h2. */
    headers: IncomingHttpHeaders = raw.headers,
    /** The normalized path with the API's base path (for the access record). */
    readonly fullPath: string = path,
  ) {
    this.requestHeaders = headers;
  }

  /** The authority the client asked for (Host over HTTP/1.1, :authority over h2), whatever policies do to the headers. */
  get host(): string {
    const headers = this.raw.headers;
    return headers.host ?? (headers[':authority'] as string | undefined) ?? '';
  }

  headerCount(lowerName: string): number {
    const raw = this.raw.rawHeaders;
    let count = 0;
    for (let i = 0; i < raw.length; i += 2)
      if ((raw[i] as string).length === lowerName.length && (raw[i] as string).toLowerCase() === lowerName) count++;
    return count;
  }

  get locals(): Record<string, unknown> {
    return (this.scratch ??= {});
  }

  async readBody(limit: number): Promise<Buffer> {
    for await (const chunk of this.readBodyChunks(limit)) void chunk;
    return Buffer.concat(this.chunks ?? []);
  }

  async *readBodyChunks(limit: number): AsyncIterable<Buffer> {
    const chunks = (this.chunks ??= []);
    let size = 0;
    for (const chunk of chunks) {
      size += chunk.length;
      if (size > limit) throw PAYLOAD_TOO_LARGE(limit);
      yield chunk;
    }
    if (this.consumed) return;
    this.reading ??= (this.raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    for (;;) {
      const next = await this.reading.next();
      if (next.done) {
        this.consumed = true;
        return;
      }
      chunks.push(next.value);
      size += next.value.length;
      if (size > limit) throw PAYLOAD_TOO_LARGE(limit);
      yield next.value;
    }
  }

  /** What to send upstream: the raw stream, what policies read, or what they read followed by the rest. */
  upstreamBody(): IncomingMessage | Buffer | AsyncIterable<Buffer> {
    if (!this.chunks) return this.raw;
    if (this.consumed) return Buffer.concat(this.chunks);
    const read = this.chunks;
    const rest = this.reading ?? (this.raw as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    return (async function* () {
      yield* read;
      for (;;) {
        const next = await rest.next();
        if (next.done) return;
        yield next.value;
      }
    })();
  }
}
