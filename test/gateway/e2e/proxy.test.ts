import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import net from 'node:net';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';

describe('data plane: proxying', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let slow: TestUpstream;

  beforeAll(async () => {
    upstream = await startUpstream();
    slow = await startUpstream((_req, res) => setTimeout(() => res.end('late'), 1500));
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState([
        api('shop', upstream.url, [], { basePath: '/shop' }),
        api('shop-admin', upstream.url + '/internal', [], { basePath: '/shop/admin' }),
        api('slow', slow.url, [], { timeoutMs: 300 }),
        api('down', 'http://127.0.0.1:9', []),
      ]),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
    await slow.close();
  });

  it('routes by the longest base path and rewrites onto the upstream path', async () => {
    const res = await request(`${gw.url}/shop/admin/users?page=2`);
    expect(res.statusCode).toBe(200);
    const body = (await res.body.json()) as { url: string };
    expect(body.url).toBe('/internal/users?page=2');
    const shop = (await (await request(`${gw.url}/shop/cart`)).body.json()) as { url: string };
    expect(shop.url).toBe('/cart');
  });

  it('answers 404 for a path no API serves, and does not match a base path by string prefix', async () => {
    expect((await request(`${gw.url}/nothing`)).statusCode).toBe(404);
    expect((await request(`${gw.url}/shopping`)).statusCode).toBe(404);
  });

  it('sets X-Forwarded-* and drops hop-by-hop headers both ways', async () => {
    // node:http (unlike undici) sends a Connection header as given.
    const res = await rawGet(`${gw.url}/shop/x`, {
      'x-forwarded-for': '203.0.113.7',
      connection: 'keep-alive, x-secret-hop',
      'x-secret-hop': '1',
      te: 'trailers',
    });
    const body = JSON.parse(res.body) as { headers: Record<string, string> };
    expect(body.headers['x-forwarded-for']).toBe('203.0.113.7, 127.0.0.1');
    expect(body.headers['x-forwarded-proto']).toBe('http');
    expect(body.headers['x-forwarded-prefix']).toBe('/shop');
    expect(body.headers['x-secret-hop']).toBeUndefined();
    expect(body.headers.te).toBeUndefined();
    expect(res.headers['x-upstream']).toBe('yes');
  });

  it('streams large bodies both ways without corrupting them', async () => {
    const payload = Buffer.alloc(3 * 1024 * 1024, 'a');
    const res = await request(`${gw.url}/shop/upload`, {
      method: 'POST',
      body: payload,
      headers: { 'content-type': 'application/octet-stream' },
    });
    const body = (await res.body.json()) as { bodyBytes: number };
    expect(body.bodyBytes).toBe(payload.length);
    expect(upstream.seen.at(-1)?.body.equals(payload)).toBe(true);
  });

  it('answers 504 when the upstream is slower than the API timeout, 502 when it is down', async () => {
    const timedOut = await request(`${gw.url}/slow/x`);
    expect(timedOut.statusCode).toBe(504);
    await timedOut.body.dump();
    const down = await request(`${gw.url}/down/x`);
    expect(down.statusCode).toBe(502);
    expect(await down.body.json()).toEqual({ error: 'upstream unreachable' });
  });

  it('resends a bodiless GET when the upstream closed the keep-alive connection it was sent on, also when other connections are stale too', async () => {
    // Answers the first request of each connection and drops the connection on the second: what a
    // request racing an upstream's idle-connection close looks like from the gateway.
    const dropper = net.createServer((socket) => {
      let seen = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          if (++seen === 1) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok');
          else socket.destroy();
        }
      });
    });
    await new Promise<void>((resolve) => dropper.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = dropper.address() as net.AddressInfo;
      const current = await gw.admin('GET', '/state');
      await gw.admin('POST', '/transactions', {
        expectedRevision: current.body.revision,
        changes: [{ op: 'put-api', api: api('dropper', `http://127.0.0.1:${port}`) }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await request(`${gw.url}/dropper/x`);
        await res.body.dump();
        statuses.push(res.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200]);
      // Several kept-alive connections gone stale at once: the resend may land on another stale one.
      const warm = await Promise.all(Array.from({ length: 6 }, () => request(`${gw.url}/dropper/x`)));
      await Promise.all(warm.map((r) => r.body.dump()));
      const afterParallel: number[] = [];
      for (let i = 0; i < 6; i++) {
        const res = await request(`${gw.url}/dropper/x`);
        await res.body.dump();
        afterParallel.push(res.statusCode);
      }
      expect(afterParallel).toEqual([200, 200, 200, 200, 200, 200]);
      const post = await request(`${gw.url}/dropper/x`, { method: 'POST', body: 'payload' });
      await post.body.dump();
      // A request with a body is never sent twice.
      expect(post.statusCode).toBe(502);
    } finally {
      dropper.close();
    }
  });

  it('counts requests per API and outcome in /metrics', async () => {
    const metrics = await gw.admin('GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/tollgate_requests_total\{api="down",outcome="upstream_error"\} [1-9]/);
    expect(metrics.body).toMatch(/tollgate_requests_total\{api="shop",outcome="forwarded"\} [1-9]/);
  });
});

function rawGet(
  url: string,
  headers: Record<string, string>,
): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}
