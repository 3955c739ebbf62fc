import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/**
 * Every behaviour of issue 13, each checked on a real gateway process in front
 * of a real upstream, and each test quoting the rule of ../shared/REFERENCE.md
 * it checks. Limits with windows count in windows long enough that no test
 * depends on how fast the machine is, unless a test is about a window ending.
 */

const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function call(url: string, options: Parameters<typeof request>[1] = {}) {
  const res = await request(url, options);
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}
const header = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? value.join(', ') : (value ?? '');

describe('policies answer as the reference says, on a real gateway', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let corsy: TestUpstream;

  beforeAll(async () => {
    upstream = await startUpstream();
    // An upstream with CORS and caching headers of its own, for the response-side policies.
    corsy = await startUpstream((_req, res) => {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'access-control-allow-origin': '*',
        'Access-Control-Expose-Headers': 'x-total',
        'access-control-max-age': '5',
        'cache-control': 'max-age=60',
        'x-kept': 'yes',
      });
      res.end('ok');
    });
    gw = await startGatewayProcess();
    const applications = [
      {
        name: 'partner',
        clientId: 'partner-id',
        clientSecret: 'partner-secret',
        contracts: ['ids', 'ids-basic', 'ids-query', 'ids-optional', 'sla-alone'].map((name) => ({
          api: name,
          version: 'v1',
          tier: 'gold',
        })),
      },
      { name: 'no-secret', clientId: 'open-id', contracts: [{ api: 'ids-optional', version: 'v1' }] },
    ];
    const gold = { slaTiers: [{ name: 'gold', limits: [{ maximumRequests: 2, timePeriodInMilliseconds: DAY }] }] };
    const state = environmentState(
      [
        api('by-key', upstream.url, [
          policy('limit', 'rate-limiting', {
            rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: DAY }],
            keySelector: "#[attributes.headers['x-key']]",
            exposeHeaders: true,
          }),
        ]),
        api('short', upstream.url, [
          policy('limit', 'rate-limiting', {
            rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 3_000 }],
            exposeHeaders: true,
          }),
        ]),
        api('spiky', upstream.url, [
          policy('spike', 'spike-control', {
            maximumRequests: 2,
            timePeriodInMilliseconds: 6_000,
            delayAttempts: 0,
            exposeHeaders: true,
          }),
        ]),
        api('sla-alone', upstream.url, [policy('quota', 'rate-limiting-sla', { exposeHeaders: true })], gold),
        api('ids', upstream.url, [policy('ids', 'client-id-enforcement')]),
        api('ids-basic', upstream.url, [
          policy('ids', 'client-id-enforcement', {
            credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader',
          }),
        ]),
        api('ids-query', upstream.url, [
          policy('ids', 'client-id-enforcement', {
            clientIdExpression: "#[attributes.queryParams['client_id']]",
            clientSecretExpression: "#[attributes.queryParams['client_secret']]",
          }),
        ]),
        api('ids-optional', upstream.url, [policy('ids', 'client-id-enforcement', { clientSecretExpression: '' })]),
        api('inject', corsy.url, [
          policy('inject', 'header-injection', {
            inboundHeaders: [
              { key: 'X-Tenant', value: 'acme' },
              { key: 'X-Caller', value: "#[attributes.headers['x-user'] default 'anonymous']" },
            ],
            outboundHeaders: [
              { key: 'Cache-Control', value: 'no-store' },
              { key: 'X-Path', value: '#[attributes.requestPath]' },
            ],
          }),
        ]),
        api('strip', corsy.url, [
          policy('strip', 'header-removal', { inboundHeaders: ['x-debug-.*'], outboundHeaders: ['Access-Control.*'] }),
        ]),
        api('octets', upstream.url, [policy('office', 'ip-allowlist', { ips: ['10.1', '127.0'] })]),
        api('elsewhere', upstream.url, [policy('office', 'ip-allowlist', { ips: ['10.1.2'] })]),
        api('forwarded', upstream.url, [
          policy('office', 'ip-allowlist', {
            ips: ['203.0.113'],
            ipExpression: "#[attributes.headers['x-forwarded-for']]",
          }),
        ]),
        api('browser', upstream.url, [
          policy('cors', 'cors', {
            publicResource: false,
            originGroups: [
              {
                origins: ['https://app.example'],
                allowedMethods: [
                  { methodName: 'GET', isAllowed: true },
                  { methodName: 'PUT', isAllowed: false },
                  'DELETE',
                ],
              },
            ],
          }),
        ]),
        api('public', upstream.url, [policy('cors', 'cors')]),
        api('json', upstream.url, [
          policy('json', 'json-threat-protection', { maxStringValueLength: -1, maxArrayElementCount: 3 }),
        ]),
        api('xml', upstream.url, [policy('xml', 'xml-threat-protection', { maxAttributeCountPerElement: 1 })]),
        api('logged', upstream.url, [
          policy('audit', 'message-logging', {
            loggingConfiguration: [
              {
                itemName: 'in',
                itemData: {
                  message: "#['in ' ++ attributes.method ++ ' ' ++ attributes.requestPath]",
                  category: 'reference.audit',
                  level: 'INFO',
                  firstSection: true,
                },
              },
              {
                itemName: 'out',
                itemData: {
                  message: "#['out ' ++ attributes.statusCode]",
                  conditional: "#[attributes.method == 'POST']",
                  category: 'reference.audit',
                  level: 'WARN',
                  secondSection: true,
                },
              },
              {
                itemName: 'never',
                itemData: { message: 'neither section', category: 'reference.audit', level: 'ERROR' },
              },
            ],
          }),
        ]),
      ],
      applications,
      { precedence: 'cors-first' },
    );
    const applied = await gw.applyState(state);
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
    await corsy?.close();
  });

  // Reference (rate-limiting): "fixed windows, each started by the first request of its key, not aligned to the clock;
  // ... X-Ratelimit-Reset (milliseconds until the window ends)".
  it('rate-limiting: each key’s window starts with its first request, and X-Ratelimit-Reset counts down from the whole period', async () => {
    const first = await call(`${gw.url}/by-key/x`, { headers: { 'x-key': 'a' } });
    expect(first.status).toBe(200);
    // A window aligned to the clock would have ended at the next UTC midnight, anywhere in the day.
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(DAY - 10_000);
    await sleep(300);
    const second = await call(`${gw.url}/by-key/x`, { headers: { 'x-key': 'a' } });
    expect(Number(second.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(
      Number(first.headers['x-ratelimit-reset']) - 300,
    );
    expect((await call(`${gw.url}/by-key/x`, { headers: { 'x-key': 'a' } })).status).toBe(429);
    // Another key starts a window of its own, with its own first request.
    const other = await call(`${gw.url}/by-key/x`, { headers: { 'x-key': 'b' } });
    expect(other.status).toBe(200);
    expect(Number(other.headers['x-ratelimit-reset'])).toBeGreaterThan(Number(second.headers['x-ratelimit-reset']));
    // Reference: "a request whose key is missing counts in its own bucket".
    expect([
      (await call(`${gw.url}/by-key/x`)).status,
      (await call(`${gw.url}/by-key/x`)).status,
      (await call(`${gw.url}/by-key/x`)).status,
    ]).toEqual([200, 200, 429]);
  });

  // Reference (rate-limiting): "fixed windows, each started by the first request of its key".
  it('rate-limiting: a window ends one period after its first request; the next request starts the next window', async () => {
    const first = await call(`${gw.url}/short/x`);
    expect(first.status).toBe(200);
    const rejected = await call(`${gw.url}/short/x`);
    expect(rejected.status).toBe(429);
    const reset = Number(rejected.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(3_000);
    await sleep(reset + 100);
    const next = await call(`${gw.url}/short/x`);
    expect(next.status).toBe(200);
    expect(Number(next.headers['x-ratelimit-reset'])).toBeGreaterThan(2_500);
  });

  // Reference (spike-control): "a sliding window ... X-Ratelimit-Reset is 0 while quota remains".
  it('spike-control: a sliding window, X-Ratelimit-Reset 0 while quota remains', async () => {
    const first = await call(`${gw.url}/spiky/x`);
    expect(first.status).toBe(200);
    expect(first.headers).toMatchObject({ 'x-ratelimit-remaining': '1', 'x-ratelimit-reset': '0' });
    await sleep(3_000);
    const second = await call(`${gw.url}/spiky/x`);
    expect(second.status).toBe(200);
    expect(second.headers['x-ratelimit-remaining']).toBe('0');
    const full = await call(`${gw.url}/spiky/x`);
    expect(full.status).toBe(429);
    // The first admission leaves the window 6 s after it was made: about 3 s from now.
    const reset = Number(full.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(3_000);
    await sleep(reset + 100);
    // Room for one: the first admission left; the second is still in the window.
    expect((await call(`${gw.url}/spiky/x`)).status).toBe(200);
    // A fixed window started by the first request would have admitted this one too.
    expect((await call(`${gw.url}/spiky/x`)).status).toBe(429);
  });

  // Reference (rate-limiting-sla): "enforces the client credentials itself (usable without client-id-enforcement); 401 unknown client or bad secret, 429 over quota".
  it('rate-limiting-sla: without client-id-enforcement, 401 for an unknown client or a bad secret, 429 over the tier', async () => {
    const as = (id: string, secret: string) => ({ headers: { client_id: id, client_secret: secret } });
    expect((await call(`${gw.url}/sla-alone/x`, as('stranger', 'x'))).status).toBe(401);
    const wrong = await call(`${gw.url}/sla-alone/x`, as('partner-id', 'wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Client-ID-Enforcement');
    const first = await call(`${gw.url}/sla-alone/x`, as('partner-id', 'partner-secret'));
    expect(first.status).toBe(200);
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(DAY - 10_000);
    expect((await call(`${gw.url}/sla-alone/x`, as('partner-id', 'partner-secret'))).status).toBe(200);
    expect((await call(`${gw.url}/sla-alone/x`, as('partner-id', 'partner-secret'))).status).toBe(429);
  });

  // Reference (client-id-enforcement): "401 for bad or missing credentials, with WWW-Authenticate: Client-ID-Enforcement in header/query mode,
  // WWW-Authenticate: Basic realm="..." in Basic mode"; "credentials from headers, query parameters, or a Basic Authorization header; the secret is optional".
  it('client-id-enforcement: the reference challenges, credentials from headers, query parameters or Basic, an optional secret', async () => {
    const missing = await call(`${gw.url}/ids/x`);
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Client-ID-Enforcement']);
    expect(
      (await call(`${gw.url}/ids/x`, { headers: { client_id: 'partner-id', client_secret: 'partner-secret' } })).status,
    ).toBe(200);
    const query = await call(`${gw.url}/ids-query/x?client_id=partner-id&client_secret=wrong`);
    expect([query.status, query.headers['www-authenticate']]).toEqual([401, 'Client-ID-Enforcement']);
    expect((await call(`${gw.url}/ids-query/x?client_id=partner-id&client_secret=partner-secret`)).status).toBe(200);
    const basicMissing = await call(`${gw.url}/ids-basic/x`);
    expect([basicMissing.status, basicMissing.headers['www-authenticate']]).toEqual([401, 'Basic realm="tollgate"']);
    expect(
      (await call(`${gw.url}/ids-basic/x`, { headers: { authorization: basic('partner-id', 'partner-secret') } }))
        .status,
    ).toBe(200);
    expect((await call(`${gw.url}/ids-optional/x`, { headers: { client_id: 'open-id' } })).status).toBe(200);
    expect((await call(`${gw.url}/ids-optional/x`, { headers: { client_id: 'nobody' } })).status).toBe(401);
  });

  // Reference (header-injection): "adds the header; an existing header of the same name is not overridden (the injected value is added beside it)"; "values may be expressions".
  it('header-injection: adds beside what the client and the upstream sent, never instead; values may be expressions', async () => {
    const res = await call(`${gw.url}/inject/orders/7`, { headers: { 'x-tenant': 'from-client', 'x-user': 'alice' } });
    const seen = corsy.seen.at(-1)!;
    expect(header(seen.headers['x-tenant'])).toBe('from-client, acme');
    expect(seen.headers['x-caller']).toBe('alice');
    expect(header(res.headers['cache-control'])).toBe('max-age=60, no-store');
    expect(res.headers['x-path']).toBe('/inject/orders/7');
    await call(`${gw.url}/inject/x`);
    expect(corsy.seen.at(-1)!.headers['x-caller']).toBe('anonymous');
  });

  // Reference (header-injection): "both empty is invalid".
  it('header-injection: the gateway refuses a config whose two lists are empty', async () => {
    const current = await gw.admin('GET', '/state');
    const refused = await gw.admin('POST', '/transactions', {
      expectedRevision: current.body.revision,
      changes: [
        { op: 'put-api', api: api('empty-injection', upstream.url, [policy('inject', 'header-injection', {})]) },
      ],
    });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('both empty');
  });

  // Reference (header-removal): "names or regular expressions (`Access-Control.*`), case-insensitive, whole name".
  it('header-removal: a regular expression removes every CORS response header, whatever its case; only whole names match', async () => {
    const res = await call(`${gw.url}/strip/x`, { headers: { 'x-debug-trace': '1', 'x-debugger': 'kept' } });
    expect(Object.keys(res.headers).filter((h) => h.toLowerCase().startsWith('access-control'))).toEqual([]);
    expect(res.headers['x-kept']).toBe('yes');
    const seen = corsy.seen.at(-1)!;
    expect(seen.headers['x-debug-trace']).toBeUndefined();
    expect(seen.headers['x-debugger']).toBe('kept');
  });

  // Reference (ip-allowlist): "ips (required): single addresses, CIDR ranges, or leading octets (`192.168` = 192.168.0.0/16)"; "403".
  it('ip-allowlist: leading octets are ranges', async () => {
    expect((await call(`${gw.url}/octets/x`)).status).toBe(200);
    expect((await call(`${gw.url}/elsewhere/x`)).status).toBe(403);
  });

  // Reference (ip-allowlist): "ipExpression (default: the first X-Forwarded-For address)".
  it('ip-allowlist: an ipExpression over X-Forwarded-For takes its first address, as the reference does by default', async () => {
    expect(
      (await call(`${gw.url}/forwarded/x`, { headers: { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' } })).status,
    ).toBe(200);
    expect(
      (await call(`${gw.url}/forwarded/x`, { headers: { 'x-forwarded-for': '10.0.0.1, 203.0.113.9' } })).status,
    ).toBe(403);
    // tollgate's own default (no ipExpression) is the TCP peer: see the octets API, which sees 127.0.0.1.
  });

  // Reference (cors): "every OPTIONS request is answered by the gateway and never reaches the backend"; "allowedMethods (the full list ...;
  // also written as {methodName, isAllowed})"; "a non-matching origin gets no CORS headers".
  it('cors: OPTIONS never reaches the upstream; the full default method list; {methodName, isAllowed} entries', async () => {
    const before = upstream.seen.length;
    const plain = await call(`${gw.url}/browser/x`, { method: 'OPTIONS' });
    const allowed = await call(`${gw.url}/browser/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example' },
    });
    const preflight = await call(`${gw.url}/browser/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'DELETE' },
    });
    const stranger = await call(`${gw.url}/browser/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' },
    });
    expect([plain.status, allowed.status, preflight.status, stranger.status]).toEqual([204, 204, 204, 204]);
    expect(upstream.seen.length).toBe(before);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET, DELETE');
    expect(Object.keys(stranger.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const open = await call(`${gw.url}/public/x`, {
      method: 'OPTIONS',
      headers: { origin: 'https://any.example', 'access-control-request-method': 'TRACE' },
    });
    expect(open.headers['access-control-allow-methods']).toBe(
      'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT',
    );
  });

  // Reference (json-threat-protection): "each -1 = unlimited, the default".
  it('json-threat-protection: -1 and unset limits are unlimited; a set limit still answers 400', async () => {
    const deep = JSON.stringify({ s: 'x'.repeat(100_000), d: JSON.parse('['.repeat(200) + ']'.repeat(200)) });
    expect(
      (await call(`${gw.url}/json/x`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep }))
        .status,
    ).toBe(200);
    const wide = await call(`${gw.url}/json/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[1,2,3,4]',
    });
    expect(wide.status).toBe(400);
    expect(JSON.parse(wide.text).limit).toBe('maxArrayElementCount');
  });

  // Reference (xml-threat-protection): "namespace declarations are not counted as attributes".
  it('xml-threat-protection: xmlns and xmlns:* are not counted as attributes', async () => {
    const post = (body: string) =>
      call(`${gw.url}/xml/x`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body });
    expect((await post('<a xmlns="urn:a" xmlns:p="urn:p" p:x="1"/>')).status).toBe(200);
    expect((await post('<a xmlns="urn:a" p:x="1" y="2"/>')).status).toBe(400);
  });

  // Reference (message-logging): "a list of logging items, each: message (expression), conditional (expression), category, level (required),
  // before/after the call (both default false)".
  it('message-logging: the reference’s logging items, before and after the call, conditional, neither by default', async () => {
    await call(`${gw.url}/logged/a`);
    await call(`${gw.url}/logged/b`, { method: 'POST', body: 'x' });
    const done = await gw.waitForLog((l) => l.category === 'reference.audit' && l.item === 'out');
    expect(done).toMatchObject({ message: 'out 200', level: 40, point: 'after' });
    const records = gw.logs.filter((l) => l.category === 'reference.audit');
    expect(records.map((r) => r.message)).toEqual(['in GET /logged/a', 'in POST /logged/b', 'out 200']);
  });
});
