import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** Requests in flight through any of a group of proxies: what apply's --concurrency bounds. */
export class InFlight {
  now = 0;
  max = 0;
  seen = 0;
}

export interface AdminProxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A real HTTP server in front of a gateway's admin API that forwards every
 * request and counts those in flight, so a test sees how many nodes apply
 * works on at once. Each answer is held `holdMs` so that overlaps show.
 */
export async function startAdminProxy(target: string, inFlight: InFlight, holdMs = 250): Promise<AdminProxy> {
  const server: Server = createServer((req, res) => {
    inFlight.now++;
    inFlight.seen++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        const headers = { ...req.headers };
        delete headers.host;
        delete headers.connection;
        const upstream = await request(target + (req.url ?? '/'), {
          method: (req.method ?? 'GET') as 'GET',
          headers,
          body: chunks.length ? Buffer.concat(chunks) : null,
        });
        const body = Buffer.from(await upstream.body.arrayBuffer());
        await new Promise((r) => setTimeout(r, holdMs));
        res.writeHead(upstream.statusCode, {
          'content-type': String(upstream.headers['content-type'] ?? 'application/json'),
        });
        res.end(body);
      } catch (err) {
        res.writeHead(502).end(String(err));
      } finally {
        inFlight.now--;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
