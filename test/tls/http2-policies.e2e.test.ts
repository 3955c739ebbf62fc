import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { tlsUrlOf } from '../helpers/https-client.js';
import { createCa, issue, type TestCa } from '../helpers/tls.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type Send = (method: string, path: string, headers?: Record<string, string>, body?: string) => Promise<Sent>;

/** One client per protocol, as a browser or partner would connect: h2 on one session, HTTP/1.1 on a keep-alive agent. */
function client(protocol: 'h2' | 'http/1.1', tlsUrl: string, ca: string): { send: Send; close(): void } {
  if (protocol === 'h2') {
    const session = http2.connect(tlsUrl, { ca, servername: 'localhost' });
    const send: Send = (method, p, headers = {}, body) =>
      new Promise((resolve, reject) => {
        const stream = session.request(
          { ':method': method, ':path': p, ...headers },
          { endStream: body === undefined },
        );
        const chunks: Buffer[] = [];
        let head: http2.IncomingHttpHeaders = {};
        stream.on('response', (h) => (head = h));
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () =>
          resolve({ status: Number(head[':status']), headers: head, body: Buffer.concat(chunks).toString() }),
        );
        stream.on('error', reject);
        if (body !== undefined) stream.end(body);
      });
    return { send, close: () => session.close() };
  }
  const agent = new https.Agent({ keepAlive: true, ca, servername: 'localhost' });
  const { port } = new URL(tlsUrl);
  const send: Send = (method, p, headers = {}, body) =>
    new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: '127.0.0.1',
          port: Number(port),
          method,
          path: p,
          agent,
          headers: { host: `localhost:${port}`, ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { send, close: () => agent.destroy() };
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const partner = { client_id: 'demo-client', client_secret: 'demo-secret' };

/**
 * The quickstart manifests (every policy they use) served by a real gateway
 * over its TLS listener; each protocol gets its own gateway, so counters start fresh.
 */
describe.each(['h2', 'http/1.1'] as const)('the quickstart policies over %s', (protocol) => {
  let ca: TestCa;
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let send: Send;
  let close: () => void;
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-quickstart-h2-'));

  beforeAll(async () => {
    ca = createCa();
    const localhost = issue(ca, { name: 'localhost', dns: ['localhost'], ips: ['127.0.0.1'] });
    upstream = await startUpstream();
    for (const name of ['greetings.yaml', 'orders.yaml']) {
      writeFileSync(
        path.join(dir, name),
        readFileSync(path.join(ROOT, 'examples/quickstart', name), 'utf8').replaceAll(
          'http://127.0.0.1:9090',
          upstream.url,
        ),
      );
    }
    cpSync(path.join(ROOT, 'examples/quickstart/environment.yaml'), path.join(dir, 'environment.yaml'));
    writeFileSync(
      path.join(dir, 'environment.yaml'),
      readFileSync(path.join(dir, 'environment.yaml'), 'utf8') + '  tls:\n    certificates: [localhost]\n',
    );
    writeFileSync(
      path.join(dir, 'certificate.yaml'),
      `apiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: localhost }\nspec:\n  hosts: [localhost, 127.0.0.1]\n  certificate: \${file:${localhost.certFile}}\n  key: \${file:${localhost.keyFile}}\n`,
    );
    gw = await startGatewayProcess({ args: ['--listen-tls', '127.0.0.1:0', '--config', dir] });
    await gw.waitForLog((l) => l.msg === 'reloaded');
    ({ send, close } = client(protocol, tlsUrlOf(gw), ca.certPem));
  });
  afterAll(async () => {
    close();
    await gw.stop();
    await upstream.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('basic-auth: 401 with the challenge, then through with the demo login', async () => {
    const anonymous = await send('GET', '/greetings/hi');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="tollgate"');
    const ok = await send('GET', '/greetings/hi', { authorization: basic('demo', 's3cret') });
    expect(ok.status).toBe(200);
  });

  it('header-injection reaches the upstream; no pseudo-header does', async () => {
    upstream.seen.length = 0;
    expect((await send('GET', '/greetings/tagged', { authorization: basic('demo', 's3cret') })).status).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(seen.headers['x-served-by']).toBe('tollgate');
    expect(Object.keys(seen.headers).some((h) => h.startsWith(':'))).toBe(false);
    expect(seen.headers.host).toBe(new URL(upstream.url).host);
    expect(seen.headers['x-forwarded-proto']).toBe('https');
  });

  it('cors: the app origin gets its preflight answered, another origin no CORS headers', async () => {
    const allowed = await send('OPTIONS', '/greetings/hi', {
      origin: 'http://localhost:3000',
      'access-control-request-method': 'GET',
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    const evil = await send('OPTIONS', '/greetings/hi', {
      origin: 'https://evil.example',
      'access-control-request-method': 'GET',
    });
    expect(evil.status).toBe(204);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('rate-limiting: 5 a minute per client, with the X-Ratelimit headers, then 429', async () => {
    const statuses: number[] = [];
    let remaining: unknown;
    for (let i = 0; i < 5; i++) {
      const res = await send('GET', '/greetings/count', { authorization: basic('demo', 's3cret') });
      statuses.push(res.status);
      remaining = res.headers['x-ratelimit-remaining'];
    }
    // The three requests of the tests above (not the preflights: CORS answers them first) counted in the same window.
    expect(statuses).toEqual([200, 200, 429, 429, 429]);
    expect(remaining).toBe('0');
  });

  it('client-id-enforcement and rate-limiting-sla: 401 without credentials, the gold tier with them', async () => {
    expect((await send('GET', '/orders/42')).status).toBe(401);
    expect((await send('GET', '/orders/42', { client_id: 'demo-client', client_secret: 'wrong' })).status).toBe(401);
    const ok = await send('GET', '/orders/42', partner);
    expect(ok.status).toBe(200);
    expect(ok.headers['x-ratelimit-limit']).toBe('10');
  });

  it('json-threat-protection reads the streamed body: too deep is 400, within limits reaches the upstream', async () => {
    const deep = await send(
      'POST',
      '/orders',
      { ...partner, 'content-type': 'application/json' },
      '[[[[[[[[[[[1]]]]]]]]]]]',
    );
    expect(deep.status).toBe(400);
    upstream.seen.length = 0;
    const fine = await send(
      'POST',
      '/orders',
      { ...partner, 'content-type': 'application/json' },
      JSON.stringify({ item: 'book', qty: 2 }),
    );
    expect(fine.status).toBe(200);
    expect(upstream.seen.at(-1)!.body.toString()).toBe(JSON.stringify({ item: 'book', qty: 2 }));
  });

  it('spike-control: a burst over 20 a second is partly refused with 429', async () => {
    const burst = await Promise.all(Array.from({ length: 40 }, () => send('GET', '/orders/burst', partner)));
    const statuses = burst.map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
  });
});
