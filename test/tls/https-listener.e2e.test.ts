import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { curl, onHost, tlsUrlOf } from '../helpers/https-client.js';
import { api, environmentState } from '../helpers/state.js';
import { createCa, issue, type IssuedCertificate, type TestCa } from '../helpers/tls.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const file = (p: string) => `\${file:${p}}`;

describe('HTTPS listener: certificates from the applied state, chosen by SNI', () => {
  let ca: TestCa;
  let shop: IssuedCertificate;
  let blog: IssuedCertificate;
  let other: IssuedCertificate;
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  let tlsUrl: string;

  const certificates = () => [
    { name: 'blog', hosts: ['blog.test'], certificate: file(blog.certFile), key: file(blog.keyFile) },
    { name: 'shop', hosts: ['*.shop.test', 'shop.test'], certificate: file(shop.certFile), key: file(shop.keyFile) },
  ];
  const state = (tls: Record<string, unknown> = {}, certs = certificates()) => ({
    ...environmentState([api('items', upstream.url)], [], {
      tls: { minVersion: 'TLSv1.2', redirectHttp: false, ...tls },
    } as never),
    certificates: certs,
  });

  beforeAll(async () => {
    ca = createCa();
    shop = issue(ca, { name: 'shop', dns: ['shop.test', '*.shop.test'] });
    blog = issue(ca, { name: 'blog', dns: ['blog.test'] });
    other = issue(ca, { name: 'other', dns: ['other.test'] });
    upstream = await startUpstream();
    gw = await startGatewayProcess({ args: ['--listen-tls', '127.0.0.1:0', '--gatekeeper', 'disabled'] });
    tlsUrl = tlsUrlOf(gw);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('refuses handshakes cleanly until a state with certificates is applied, while plain HTTP serves', async () => {
    const refused = await curl(['--cacert', ca.certFile, ...onHost(tlsUrl, 'shop.test', '/items/x')]);
    expect(refused.exitCode).toBe(35);
    expect((await fetch(`${gw.url}/items/x`)).status).toBe(404);
  });

  it('serves each host name its own certificate by SNI, wildcards included, over HTTP/2 and HTTP/1.1', async () => {
    expect((await gw.applyState(state())).status).toBe(200);
    const shopRes = await curl(['--cacert', ca.certFile, '--http2', ...onHost(tlsUrl, 'shop.test', '/items/a')]);
    expect(shopRes.exitCode).toBe(0);
    expect(shopRes.status).toBe(200);
    expect(shopRes.httpVersion).toBe('2');
    expect(shopRes.stderr).toMatch(/subject: CN=shop\.test/);
    const wildcard = await curl(['--cacert', ca.certFile, ...onHost(tlsUrl, 'api.shop.test', '/items/a')]);
    expect(wildcard.status).toBe(200);
    expect(wildcard.stderr).toMatch(/subject: CN=shop\.test/);
    const blogRes = await curl(['--cacert', ca.certFile, '--http1.1', ...onHost(tlsUrl, 'blog.test', '/items/b')]);
    expect(blogRes.status).toBe(200);
    expect(blogRes.httpVersion).toBe('1.1');
    expect(blogRes.stderr).toMatch(/subject: CN=blog\.test/);
    // A name nobody serves gets the default certificate (the first by name), which the client then refuses.
    const unknown = await curl(['--cacert', ca.certFile, ...onHost(tlsUrl, 'nobody.test', '/items/b')]);
    expect(unknown.exitCode).toBe(60);
    expect(unknown.stderr).toMatch(/CN=blog\.test/);
  });

  it('over h2, the upstream gets no pseudo-headers, the client host and X-Forwarded-Proto https', async () => {
    upstream.seen.length = 0;
    const res = await curl([
      '--cacert',
      ca.certFile,
      '--http2',
      '-H',
      'X-Test: yes',
      ...onHost(tlsUrl, 'shop.test', '/items/headers'),
    ]);
    expect(res.status).toBe(200);
    const seen = upstream.seen.at(-1)!;
    expect(Object.keys(seen.headers).filter((h) => h.startsWith(':'))).toEqual([]);
    expect(seen.headers['x-forwarded-host']).toBe(`shop.test:${new URL(tlsUrl).port}`);
    expect(seen.headers['x-forwarded-proto']).toBe('https');
    expect(seen.headers['x-test']).toBe('yes');
    expect(seen.url).toBe('/headers');
  });

  it('minVersion TLSv1.3 refuses a TLS 1.2 client', async () => {
    expect((await gw.applyState(state({ minVersion: 'TLSv1.3' }))).status).toBe(200);
    expect(
      (await curl(['--cacert', ca.certFile, '--tls-max', '1.2', ...onHost(tlsUrl, 'shop.test', '/items/a')])).exitCode,
    ).toBe(35);
    expect(
      (await curl(['--cacert', ca.certFile, '--tlsv1.3', ...onHost(tlsUrl, 'shop.test', '/items/a')])).status,
    ).toBe(200);
    expect((await gw.applyState(state())).status).toBe(200);
    expect(
      (await curl(['--cacert', ca.certFile, '--tls-max', '1.2', ...onHost(tlsUrl, 'shop.test', '/items/a')])).status,
    ).toBe(200);
  });

  it('a mismatched key is refused with 422 at its position, names no key material, and the previous certificates keep serving', async () => {
    const before = await gw.admin('GET', '/state');
    const bad = certificates().map((c) => (c.name === 'shop' ? { ...c, key: file(other.keyFile) } : c));
    const res = await gw.applyState(state({}, bad));
    expect(res.status).toBe(422);
    expect(res.body.problems).toContainEqual(
      expect.objectContaining({
        path: '/certificates/1/key',
        message: expect.stringMatching(/does not match the certificate/),
      }),
    );
    expect(JSON.stringify(res.body)).not.toMatch(/PRIVATE KEY|BEGIN/);
    expect((await gw.admin('GET', '/state')).body.revision).toBe(before.body.revision);
    expect((await curl(['--cacert', ca.certFile, ...onHost(tlsUrl, 'shop.test', '/items/a')])).status).toBe(200);
  });

  it('an inline key is refused by the gateway (never persisted)', async () => {
    const inline = certificates().map((c) => (c.name === 'shop' ? { ...c, key: shop.keyPem } : c));
    const res = await gw.applyState(state({}, inline));
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).not.toContain(shop.keyPem.split('\n')[1]);
  });

  it('redirectHttp: the plain listener answers 308 to the same URL on the TLS port', async () => {
    expect((await gw.applyState(state({ redirectHttp: true }))).status).toBe(200);
    const res = await curl(['-H', 'Host: shop.test:8080', `${gw.url}/items/a?x=1`]);
    expect(res.status).toBe(308);
    expect(res.headers.location).toBe(`https://shop.test:${new URL(tlsUrl).port}/items/a?x=1`);
    expect((await gw.applyState(state())).status).toBe(200);
    expect((await fetch(`${gw.url}/items/a`, { redirect: 'manual' })).status).toBe(200);
  });

  it('status shows what is served by fingerprint and expiry; state file, status and logs hold no key', async () => {
    const status = await gw.admin('GET', '/status');
    expect(status.body.tls.certificates.map((c: { name: string }) => c.name)).toEqual(['blog', 'shop']);
    expect(status.body.tls.certificates[1]).toMatchObject({
      hosts: ['*.shop.test', 'shop.test'],
      fingerprint: expect.stringMatching(/^[0-9A-F]{2}(:[0-9A-F]{2}){31}$/),
      notAfter: expect.any(String),
    });
    const persisted = await readFile(path.join(gw.stateDir, 'state.json'), 'utf8');
    const keyLine = shop.keyPem.split('\n')[1]!;
    for (const text of [persisted, JSON.stringify(status.body), gw.output()]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyLine);
    }
    expect(persisted).toContain(file(shop.keyFile));
  });
});
