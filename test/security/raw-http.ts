import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/**
 * Sends one HTTP/1.1 request written by hand, so that a test can repeat
 * header fields exactly as an attacker would (fetch and undici fold or
 * refuse some of them), and reads the answer until the server closes.
 */
export function rawRequest(url: string, requestLine: string, headerLines: readonly string[]): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split === -1 ? text : text.slice(0, split);
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? NaN);
      let body = split === -1 ? '' : text.slice(split + 4);
      // Chunked answers: keep only the chunk data.
      if (/\r\ntransfer-encoding: chunked/i.test(head))
        body = body.replace(/(?:^|\r\n)[0-9a-f]+\r\n/gi, '').replace(/\r\n$/, '');
      resolve({ status, headers: head, body });
    });
    socket.write(
      `${requestLine}\r\nHost: ${hostname}:${port}\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Connection: close\r\n\r\n`,
    );
  });
}
