import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import type { ServerResponse } from 'node:http';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type SeenRequest, type TestUpstream } from '../../helpers/upstream.js';
import { eventually } from '../../helpers/wait.js';

const BIG_BODY_BYTES = 64 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 'z');

/** How the upstream answers each test path; `state` is what a test inspects afterwards. */
const state = { bigWritten: 0, heldClosed: false, heldSeen: false, tricklingClosed: false };

function answer(req: SeenRequest, res: ServerResponse): void {
  const path = req.url;
  if (path === '/head') {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '5' });
    res.end(req.method === 'HEAD' ? undefined : 'hello');
  } else if (path === '/no-content') {
    res.writeHead(204).end();
  } else if (path === '/not-modified') {
    res.writeHead(304, { etag: '"v1"' }).end();
  } else if (path === '/cookies') {
    // A Connection-listed header and Keep-Alive are hop-by-hop: they must not reach the client.
    res.writeHead(200, {
      'set-cookie': ['a=1; Path=/', 'b=2; Path=/'],
      connection: 'keep-alive, x-hop',
      'x-hop': 'secret',
      'keep-alive': 'timeout=3',
    });
    res.end('cookies');
  } else if (path === '/early-hints') {
    res.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' }, () =>
      res.writeHead(200, { 'content-type': 'text/plain' }).end('final'),
    );
  } else if (path === '/big') {
    writeBig(res);
  } else if (path === '/held') {
    state.heldSeen = true;
    res.on('close', () => (state.heldClosed = true));
  } else if (path === '/trickle') {
    const timer = setInterval(() => res.write('tick\n'), 20);
    res.on('close', () => {
      clearInterval(timer);
      state.tricklingClosed = true;
    });
  } else if (path === '/broken') {
    res.writeHead(200, { 'content-length': '1000' });
    res.write('only ten b');
    setTimeout(() => res.socket?.destroy(), 50);
  }
}

/** Writes BIG_BODY_BYTES as fast as the connection takes them, counting what it got out. */
function writeBig(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(BIG_BODY_BYTES) });
  const more = (): void => {
    while (state.bigWritten < BIG_BODY_BYTES) {
      state.bigWritten += CHUNK.length;
      if (!res.write(CHUNK)) {
        res.once('drain', more);
        return;
      }
    }
    res.end();
  };
  more();
}

/** One request over a raw socket with Connection: close; everything the gateway sent back, as latin1 text. */
function rawExchange(url: string, method: string, path: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`${method} ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`),
    );
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

/** What follows the header block of a raw response. */
const afterHead = (raw: string) => raw.slice(raw.indexOf('\r\n\r\n') + 4);

describe('data plane: upstream responses on their way to the client', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;

  beforeAll(async () => {
    upstream = await startUpstream(answer);
    gw = await startGatewayProcess();
    const outbound = policy('stamp', 'header-injection', { outboundHeaders: [{ key: 'X-Stamped', value: 'yes' }] });
    const applied = await gw.applyState(
      environmentState([
        // A long timeout: a cancelled request must be the client's doing, not the gateway's timer.
        api('up', upstream.url, [outbound], { timeoutMs: 60_000 }),
        api('down', 'http://127.0.0.1:9', [outbound]),
      ]),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('forwards HEAD, 204 and 304 responses without a body', async () => {
    const head = await rawExchange(gw.url, 'HEAD', '/up/head');
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(head.toLowerCase()).toContain('content-length: 5\r\n');
    expect(afterHead(head)).toBe('');
    const noContent = await rawExchange(gw.url, 'GET', '/up/no-content');
    expect(noContent).toMatch(/^HTTP\/1\.1 204 /);
    expect(afterHead(noContent)).toBe('');
    const notModified = await rawExchange(gw.url, 'GET', '/up/not-modified');
    expect(notModified).toMatch(/^HTTP\/1\.1 304 /);
    expect(notModified.toLowerCase()).toContain('etag: "v1"\r\n');
    expect(afterHead(notModified)).toBe('');
  });

  it('keeps every Set-Cookie header and drops hop-by-hop response headers', async () => {
    const res = await request(`${gw.url}/up/cookies`);
    expect(await res.body.text()).toBe('cookies');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.headers['x-hop']).toBeUndefined();
    expect(res.headers['keep-alive']).not.toBe('timeout=3');
    // The response pass ran on the upstream's headers.
    expect(res.headers['x-stamped']).toBe('yes');
  });

  it('forwards the final response after 1xx informational ones', async () => {
    const res = await request(`${gw.url}/up/early-hints`);
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe('final');
  });

  it('runs the response pass on the 502 of an unreachable upstream', async () => {
    const res = await request(`${gw.url}/down/x`);
    expect(res.statusCode).toBe(502);
    expect(res.headers['x-stamped']).toBe('yes');
    expect(await res.body.json()).toEqual({ error: 'upstream unreachable' });
  });

  it('holds the upstream back while the client does not read, then delivers every byte', async () => {
    const { hostname, port } = new URL(gw.url);
    const socket = net.connect(Number(port), hostname);
    socket.pause();
    socket.write(`GET /up/big HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    await eventually(async () => state.bigWritten > 0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // Socket buffers hold a few MB; without backpressure the gateway would take all 64 MB at once.
    expect(state.bigWritten).toBeLessThan(BIG_BODY_BYTES / 2);

    let received = 0;
    let head = '';
    let intact = true;
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => {
        let body = chunk;
        if (!head.includes('\r\n\r\n')) {
          head += chunk.toString('latin1');
          const end = head.indexOf('\r\n\r\n');
          if (end === -1) return;
          body = chunk.subarray(chunk.length - (head.length - end - 4));
        }
        received += body.length;
        if (intact && body.some((byte) => byte !== 0x7a)) intact = false;
      });
      socket.on('end', resolve);
      socket.on('error', reject);
      socket.resume();
    });
    expect(head).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toBe(BIG_BODY_BYTES);
    expect(intact).toBe(true);
  });

  it('cancels the upstream request when the client leaves before the response', async () => {
    const { hostname, port } = new URL(gw.url);
    const socket = net.connect(Number(port), hostname, () =>
      socket.write(`GET /up/held HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`),
    );
    await eventually(async () => state.heldSeen);
    socket.destroy();
    await eventually(async () => state.heldClosed, 5_000);
  });

  it('cancels the upstream request when the client leaves in the middle of the body', async () => {
    const res = await request(`${gw.url}/up/trickle`);
    expect(res.statusCode).toBe(200);
    for await (const chunk of res.body) {
      expect(String(chunk)).toContain('tick');
      break;
    }
    await eventually(async () => state.tricklingClosed, 5_000);
  });

  it('cuts the client connection when the upstream breaks in the middle of the body', async () => {
    const res = await request(`${gw.url}/up/broken`);
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
  });
});
