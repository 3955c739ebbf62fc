import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { DAY, HOUR } from '../../helpers/durations.js';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(url: string, options: Parameters<typeof request>[1] = {}) {
  const res = await request(url, options);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

/** Every policy of the catalog, enforced by a real gateway process in front of a real upstream. */
describe('policies through the gateway', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let traceModule: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-custom-'));
    traceModule = path.join(dir, 'trace.mjs');
    // Appends its name to x-trace on the way in and to x-trace-back on the way out: shows the order.
    await writeFile(
      traceModule,
      `export function create(config) {
        return {
          request(ex) { ex.requestHeaders['x-trace'] = ex.requestHeaders['x-trace'] ? ex.requestHeaders['x-trace'] + ',' + config.name : config.name; },
          response(ex, res) { res.headers['x-trace-back'] = res.headers['x-trace-back'] ? res.headers['x-trace-back'] + ',' + config.name : config.name; },
        };
      }`,
    );
    const trace = (name: string) => policy(`trace-${name}`, 'custom', { module: traceModule, config: { name } });
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState(
        [
          api('auth', upstream.url, [
            policy('login', 'basic-auth', { username: 'alice', password: 'wonderland-pw', realm: 'shop' }),
          ]),
          api('limited', upstream.url, [
            policy('limit', 'rate-limiting', {
              rateLimits: [
                { maximumRequests: 3, timePeriodInMilliseconds: HOUR },
                { maximumRequests: 100, timePeriodInMilliseconds: DAY },
              ],
              exposeHeaders: true,
            }),
          ]),
          api('per-client', upstream.url, [
            policy('limit', 'rate-limiting', {
              rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: DAY }],
              keySelector: {
                source: 'ip',
                clientIpHeader: 'X-Forwarded-For',
                trustedProxies: ['127.0.0.0/8', '::1/128'],
              },
            }),
          ]),
          api('allow', upstream.url, [policy('office', 'ip-allowlist', { ips: ['10.0.0.0/8', '2001:db8::/32'] })]),
          api('block', upstream.url, [policy('bad-actors', 'ip-blocklist', { ips: ['127.0.0.0/8'] })]),
          api('browser', upstream.url, [
            policy('cors', 'cors', {
              publicResource: false,
              supportCredentials: true,
              originGroups: [
                {
                  origins: ['https://app.example.com'],
                  accessControlMaxAge: 600,
                  exposedHeaders: ['X-Ratelimit-Remaining'],
                },
              ],
            }),
            policy('limit', 'rate-limiting', {
              rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: DAY }],
              exposeHeaders: true,
            }),
          ]),
          api(
            'partners',
            upstream.url,
            [policy('client-id', 'client-id-enforcement'), policy('sla', 'rate-limiting-sla', { exposeHeaders: true })],
            {
              slaTiers: [
                { name: 'bronze', limits: [{ maximumRequests: 2, timePeriodInMilliseconds: DAY }] },
                { name: 'gold', limits: [{ maximumRequests: 5, timePeriodInMilliseconds: DAY }] },
              ],
            },
          ),
          api('headers', upstream.url, [
            policy('inject', 'header-injection', {
              inboundHeaders: [{ key: 'X-Tenant', value: 'acme' }],
              outboundHeaders: [{ key: 'X-Frame-Options', value: 'DENY' }],
            }),
            policy('strip', 'header-removal', { inboundHeaders: ['X-Internal'], outboundHeaders: ['X-Upstream'] }),
          ]),
          api('json', upstream.url, [
            policy('json-limits', 'json-threat-protection', { maxContainerDepth: 3, maxStringValueLength: 10 }),
          ]),
          api('xml', upstream.url, [policy('xml-limits', 'xml-threat-protection', { maxNodeDepth: 3 })]),
          api('spiky', upstream.url, [
            policy('spike', 'spike-control', { maximumRequests: 1, timePeriodInMilliseconds: DAY, delayAttempts: 0 }),
          ]),
          api('logged', upstream.url, [
            policy('audit', 'message-logging', {
              loggingConfiguration: [
                {
                  itemData: {
                    message:
                      "#[attributes.method ++ ' ' ++ attributes.relativePath ++ ' ' ++ attributes.headers['authorization'] ++ ' -> ' ++ attributes.statusCode]",
                    category: 'audit',
                    level: 'INFO',
                    secondSection: true,
                  },
                },
              ],
            }),
          ]),
          api('scoped', upstream.url, [
            policy(
              'writes-need-auth',
              'basic-auth',
              { username: 'alice', password: 'wonderland-pw' },
              { rules: [{ methods: ['POST', 'PUT', 'DELETE'] }] },
            ),
          ]),
          api(
            'ordered',
            upstream.url,
            [trace('a'), trace('b'), trace('c')].map((p) => ({ ...p, config: { ...p.config } })),
          ),
        ],
        [
          {
            name: 'bronze-app',
            clientId: 'bronze-id',
            clientSecret: 'bronze-secret',
            contracts: [{ api: 'partners', version: 'v1', tier: 'bronze' }],
          },
          {
            name: 'gold-app',
            clientId: 'gold-id',
            clientSecret: 'gold-secret',
            contracts: [{ api: 'partners', version: 'v1', tier: 'gold' }],
          },
          {
            name: 'other-version',
            clientId: 'v2-id',
            clientSecret: 'v2-secret',
            contracts: [{ api: 'partners', version: 'v2', tier: 'gold' }],
          },
        ],
        { precedence: 'cors-first' },
      ),
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('basic-auth: 401 with WWW-Authenticate, then 200 with the right credentials; never logs them', async () => {
    const anonymous = await call(`${gw.url}/auth/x`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="shop"');
    expect((await call(`${gw.url}/auth/x`, { headers: { authorization: basic('alice', 'wrong') } })).status).toBe(401);
    expect(
      (await call(`${gw.url}/auth/x`, { headers: { authorization: basic('alice', 'wonderland-pw') } })).status,
    ).toBe(200);
    expect(gw.output()).not.toContain('wonderland-pw');
  });

  it('rate-limiting: admits exactly the limit, then 429 with X-Ratelimit-* of the most restrictive window', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 5; i++) {
      last = await call(`${gw.url}/limited/x`);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers['x-ratelimit-limit']).toBe('3');
    expect(last!.headers['x-ratelimit-remaining']).toBe('0');
    expect(Number(last!.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(Number(last!.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(HOUR);
  });

  it('rate-limiting per client IP behind a trusted proxy: each forwarded client has its own window', async () => {
    const from = (client: string) =>
      call(`${gw.url}/per-client/x`, { headers: { 'x-forwarded-for': client } }).then((r) => r.status);
    expect([
      await from('203.0.113.1'),
      await from('203.0.113.2'),
      await from('203.0.113.1'),
      await from('198.51.100.4, 203.0.113.2'),
    ]).toEqual([200, 200, 429, 429]);
  });

  it('ip-allowlist: 403 for a client outside the ranges; ip-blocklist: 403 for a listed client', async () => {
    const outside = await call(`${gw.url}/allow/x`);
    expect(outside.status).toBe(403);
    expect(upstream.seen.some((r) => r.url === '/x' && r.headers['x-forwarded-prefix'] === '/allow')).toBe(false);
    expect((await call(`${gw.url}/block/x`)).status).toBe(403);
  });

  it('cors: preflight answered by the gateway; headers also on a 429 from a later policy; unknown origins get none', async () => {
    const preflight = await call(`${gw.url}/browser/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PUT' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');
    expect(preflight.headers['access-control-max-age']).toBe('600');
    expect(String(preflight.headers['access-control-allow-methods'])).toContain('PUT');
    const first = await call(`${gw.url}/browser/items`, { headers: { origin: 'https://app.example.com' } });
    expect(first.status).toBe(200);
    expect(first.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const limited = await call(`${gw.url}/browser/items`, { headers: { origin: 'https://app.example.com' } });
    expect(limited.status).toBe(429);
    expect(limited.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(String(limited.headers['access-control-expose-headers']).toLowerCase()).toContain('x-ratelimit-remaining');
    const stranger = await call(`${gw.url}/browser/items`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect(stranger.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('client-id-enforcement + rate-limiting-sla: 401 without a contract for this version, limits per tier', async () => {
    const id = (clientId: string, secret: string) => ({ headers: { client_id: clientId, client_secret: secret } });
    expect((await call(`${gw.url}/partners/o`)).status).toBe(401);
    expect((await call(`${gw.url}/partners/o`, id('bronze-id', 'wrong'))).status).toBe(401);
    expect((await call(`${gw.url}/partners/o`, id('v2-id', 'v2-secret'))).status).toBe(401);
    const bronze = [];
    for (let i = 0; i < 3; i++)
      bronze.push((await call(`${gw.url}/partners/o`, id('bronze-id', 'bronze-secret'))).status);
    expect(bronze).toEqual([200, 200, 429]);
    const gold = [];
    for (let i = 0; i < 6; i++) gold.push((await call(`${gw.url}/partners/o`, id('gold-id', 'gold-secret'))).status);
    expect(gold).toEqual([200, 200, 200, 200, 200, 429]);
    expect(gw.output()).not.toContain('gold-secret');
  });

  it('header-injection and header-removal act on the request sent upstream and the response sent back', async () => {
    const res = await call(`${gw.url}/headers/h`, { headers: { 'x-internal': 'secret-routing' } });
    const seen = JSON.parse(res.text) as { headers: Record<string, string> };
    expect(seen.headers['x-tenant']).toBe('acme');
    expect(seen.headers['x-internal']).toBeUndefined();
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-upstream']).toBeUndefined();
  });

  it('json/xml threat protection: 400 over a limit, bodies within limits reach the upstream intact', async () => {
    const deep = await call(`${gw.url}/json/p`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":{"b":{"c":{"d":1}}}}',
    });
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.text).limit).toBe('maxContainerDepth');
    const fine = await call(`${gw.url}/json/p`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":{"b":"short"}}',
    });
    expect(fine.status).toBe(200);
    expect(upstream.seen.at(-1)?.body.toString()).toBe('{"a":{"b":"short"}}');
    const laughs =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(
      (await call(`${gw.url}/xml/p`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: laughs }))
        .status,
    ).toBe(400);
    expect(
      (
        await call(`${gw.url}/xml/p`, {
          method: 'POST',
          headers: { 'content-type': 'application/xml' },
          body: '<a><b><c><d/></c></b></a>',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await call(`${gw.url}/xml/p`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: '<a><b>ok</b></a>',
        })
      ).status,
    ).toBe(200);
  });

  it('spike-control: over the limit with no retries left → 429', async () => {
    expect((await call(`${gw.url}/spiky/x`)).status).toBe(200);
    expect((await call(`${gw.url}/spiky/x`)).status).toBe(429);
  });

  it('message-logging: a structured record per request with credentials redacted', async () => {
    await call(`${gw.url}/logged/orders/7`, { headers: { authorization: 'Bearer top-secret-token' } });
    const record = await gw.waitForLog((l) => l.category === 'audit');
    expect(String(record.message)).toMatch(/^GET \/orders\/7 \[REDACTED\] -> 200$/);
    expect(gw.output()).not.toContain('top-secret-token');
  });

  it('rules scope a policy: GET passes, POST needs auth', async () => {
    expect((await call(`${gw.url}/scoped/x`)).status).toBe(200);
    expect((await call(`${gw.url}/scoped/x`, { method: 'POST', body: 'x' })).status).toBe(401);
  });

  it('runs the chain forward on the request and in reverse on the response (custom policies)', async () => {
    const res = await call(`${gw.url}/ordered/x`);
    expect(JSON.parse(res.text).headers['x-trace']).toBe('a,b,c');
    expect(res.headers['x-trace-back']).toBe('c,b,a');
  });

  it('exposes per-policy rejections in /metrics', async () => {
    const metrics = (await gw.admin('GET', '/metrics')).body as string;
    expect(metrics).toMatch(
      /tollgate_policy_rejections_total\{api="limited",policy="limit",type="rate-limiting",status="429"\} 2/,
    );
    expect(metrics).toMatch(
      /tollgate_policy_duration_seconds_count\{api="auth",policy="login",type="basic-auth"\} [1-9]/,
    );
  });
});
