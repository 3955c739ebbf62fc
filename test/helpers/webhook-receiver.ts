import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookReceiver {
  url: string;
  received: { headers: IncomingHttpHeaders; body: string }[];
  attempts: () => number;
  server: Server;
  close: () => Promise<void>;
}

/** A real webhook receiver on port 0: records each delivery; `failFirst` answers 503 to that many before it accepts. */
export async function startWebhookReceiver(failFirst = 0): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      attempts++;
      if (attempts <= failFirst) {
        res.writeHead(503).end();
        return;
      }
      received.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/tollgate`,
    received,
    attempts: () => attempts,
    server,
    close,
  };
}
