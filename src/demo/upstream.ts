import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A tiny upstream for the quickstart: answers every request with what it received (minus credentials). */
export async function startDemoUpstream(host: string, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let size = 0;
    req.on('data', (chunk: Buffer) => (size += chunk.length));
    req.on('end', () => {
      const body = JSON.stringify({
        message: 'hello from the demo upstream',
        method: req.method,
        url: req.url,
        servedBy: req.headers['x-served-by'] ?? null,
        forwardedFor: req.headers['x-forwarded-for'] ?? null,
        bodyBytes: size,
      });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${address.address}:${address.port}` };
}
