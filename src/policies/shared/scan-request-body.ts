import type { Exchange, Reply } from '../sdk/index.js';
import type { BodyScanner } from './body-scanner.js';

/**
 * The most a threat-protection policy reads; above it the Exchange throws its
 * 413 Reply, which propagates as the answer.
 */
export const MAX_INSPECTED_BODY_BYTES = 10 * 1024 * 1024;

/**
 * Streams the body through the scanner and stops reading at the first
 * violation (leaving the loop early releases the iterator). An empty body,
 * such as a GET's, passes: there is nothing to protect against. Reading it
 * rather than trusting Content-Length keeps HTTP/2 and chunked bodies covered.
 */
export async function scanRequestBody(exchange: Exchange, scanner: BodyScanner): Promise<Reply | undefined> {
  let seenBytes = false;
  for await (const chunk of exchange.readBodyChunks(MAX_INSPECTED_BODY_BYTES)) {
    if (chunk.length === 0) continue;
    seenBytes = true;
    const violation = scanner.write(chunk);
    if (violation !== undefined) return { status: 400, body: { ...violation } };
  }
  if (!seenBytes) return undefined;
  const violation = scanner.end();
  return violation === undefined ? undefined : { status: 400, body: { ...violation } };
}
