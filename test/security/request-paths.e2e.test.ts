import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { rawRequest } from '../helpers/raw-http.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const CREDENTIALS = `Basic ${Buffer.from('alice:a-long-password').toString('base64')}`;
const login = (extra = {}) =>
  policy('login', 'basic-auth', { username: 'alice', password: 'a-long-password', realm: 'r' }, extra);

/**
 * One normalized path for routing, rules and the upstream. `/public` has no
 * policy, `/private` requires basic auth, `/mixed` requires it only for
 * paths matching ^/admin. Each row: a request target as sent on the wire, the
 * status, and the path the upstream received (null: the upstream was not called).
 */
const TABLE: [target: string, status: number, upstreamPath: string | null, credentials?: boolean][] = [
  ['/public/x', 200, '/svc/public/x'],
  ['/public', 200, '/svc/public/'],
  ['/public/', 200, '/svc/public/'],
  ['/public/../private/x', 401, null],
  ['/public/%2e%2e/private/x', 401, null],
  ['/public/.%2e/private/x', 401, null],
  ['/public/%2E%2E/private/x', 401, null],
  ['/public/%2e./private/x', 401, null],
  ['/public/..%5Cprivate/x', 400, null],
  ['/public/..\\private\\x', 400, null],
  ['/public/%2fprivate/x', 400, null],
  ['/public/%2F..%2Fprivate', 400, null],
  ['/private/x', 401, null],
  ['/private/x', 200, '/svc/private/x', true],
  ['/private/./y/../x', 200, '/svc/private/x', true],
  ['/%70rivate/x', 401, null],
  ['/%70RIVATE/x', 404, null],
  ['/PRIVATE/x', 404, null],
  ['//private/x', 401, null],
  ['/./private/x', 401, null],
  ['/public//x', 200, '/svc/public/x'],
  ['/mixed/admin', 401, null],
  ['/mixed/./admin', 401, null],
  ['/mixed//admin', 401, null],
  ['/mixed/x/../admin', 401, null],
  ['/mixed/%61dmin', 401, null],
  ['/mixed/adm%69n/users', 401, null],
  ['/mixed/admin;jsessionid=1', 401, null],
  ['/mixed/admin', 200, '/svc/mixed/admin', true],
  ['/mixed/%2561dmin', 200, '/svc/mixed/%2561dmin'],
  ['/mixed/public', 200, '/svc/mixed/public'],
  ['/..', 400, null],
  ['/public/../../private', 400, null],
  ['/public/%00', 400, null],
  ['/public/%zz', 400, null],
  ['/public/%2', 400, null],
  ['/public/a#fragment', 400, null],
  ['/public/{x}', 200, '/svc/public/%7Bx%7D'],
  ['/public/%7bx%7D', 200, '/svc/public/%7Bx%7D'],
  ['/public/%7E%7e', 200, '/svc/public/~~'],
  ['/public/a%20b', 200, '/svc/public/a%20b'],
  ['/public/x?next=/../private', 200, '/svc/public/x?next=/../private'],
  ['*', 400, null],
  ['http://evil.example/private/x', 400, null],
];

describe('one normalized path: routing, rules and the upstream see the same path', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const apis = [
      api('public', `${upstream.url}/svc/public`),
      api('private', `${upstream.url}/svc/private`, [login()]),
      api('mixed', `${upstream.url}/svc/mixed`, [login({ rules: [{ path: '^/admin' }] })]),
    ];
    expect((await gw.applyState(environmentState(apis))).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it.each(TABLE)('%s → %i, upstream %s', async (target, status, upstreamPath, credentials) => {
    const before = upstream.seen.length;
    const res = await rawRequest(gw.url, target, credentials ? { Authorization: CREDENTIALS } : {});
    expect(res.status).toBe(status);
    const seen = upstream.seen.slice(before).map((r) => r.url);
    expect(seen).toEqual(upstreamPath === null ? [] : [upstreamPath]);
    if (status === 400) expect(JSON.parse(res.body).error).toMatch(/^bad request path: /);
  });

  it('with escapedSlashes: keep, %2F and %5C pass through unchanged and never split a segment', async () => {
    const apis = [
      api('public', `${upstream.url}/svc/public`),
      api('private', `${upstream.url}/svc/private`, [login()]),
    ];
    expect((await gw.applyState(environmentState(apis, [], { requestPaths: { escapedSlashes: 'keep' } }))).status).toBe(
      200,
    );
    for (const [target, upstreamPath] of [
      ['/public/a%2fb', '/svc/public/a%2Fb'],
      ['/public/..%2Fprivate/x', '/svc/public/..%2Fprivate/x'],
      ['/public/a%5cb', '/svc/public/a%5Cb'],
    ] as const) {
      const before = upstream.seen.length;
      expect((await rawRequest(gw.url, target)).status).toBe(200);
      expect(upstream.seen.slice(before).map((r) => r.url)).toEqual([upstreamPath]);
    }
    // The kept %2F is part of the segment "%2F..", which the next ".." removes: it stays below /public.
    const before = upstream.seen.length;
    expect((await rawRequest(gw.url, '/public/%2F../../private/x')).status).toBe(200);
    expect(upstream.seen.slice(before).map((r) => r.url)).toEqual(['/svc/public/private/x']);
  });
});
