import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { rawRequest } from './raw-http.js';

/**
 * A credential sent twice (two query parameters, two client_id headers, two
 * Authorization headers) is refused with 400 by a real gateway: it would
 * otherwise check one value while the upstream may read the other.
 */

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('duplicated credentials', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  const get = (path: string, headers: string[] = []) => rawRequest(gw.url, `GET ${path} HTTP/1.1`, headers);

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState(
        [
          api('by-query', upstream.url, [
            policy('ids', 'client-id-enforcement', {
              clientIdExpression: "#[attributes.queryParams['client_id']]",
              clientSecretExpression: "#[attributes.queryParams['client_secret']]",
            }),
          ]),
          api('by-headers', upstream.url, [policy('ids', 'client-id-enforcement')]),
          api('by-basic', upstream.url, [
            policy('ids', 'client-id-enforcement', {
              credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader',
            }),
          ]),
          api(
            'sla',
            upstream.url,
            [
              policy('quota', 'rate-limiting-sla', {
                clientIdExpression: "#[attributes.queryParams['client_id']]",
                clientSecretExpression: "#[attributes.queryParams['client_secret']]",
              }),
            ],
            { slaTiers: [{ name: 'gold', limits: [{ maximumRequests: 100, timePeriodInMilliseconds: 60_000 }] }] },
          ),
          api('login', upstream.url, [policy('login', 'basic-auth', { username: 'ops', password: 's3cret' })]),
        ],
        [
          {
            name: 'app',
            clientId: 'good-app',
            clientSecret: 'app-secret',
            contracts: ['by-query', 'by-headers', 'by-basic', 'sla'].map((name) => ({
              api: name,
              version: 'v1',
              tier: 'gold',
            })),
          },
        ],
      ),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('query parameters: one of each passes; a repeated client_id or client_secret is 400 and never reaches the upstream', async () => {
    expect((await get('/by-query/x?client_id=good-app&client_secret=app-secret')).status).toBe(200);
    const before = upstream.seen.length;
    for (const query of [
      'client_id=good-app&client_id=other&client_secret=app-secret',
      'client_id=good-app&client_secret=app-secret&client_id=good-app',
      'client_id=good-app&client%5Fid=other&client_secret=app-secret',
      'client_id=good-app&client_secret=app-secret&client_secret=guess',
    ]) {
      const res = await get(`/by-query/x?${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.parse(res.body).error).toMatch(
        /^the client_(id|secret) query parameter is sent more than once: send each credential once$/,
      );
    }
    const sla = await get('/sla/x?client_id=good-app&client_secret=app-secret&client_id=good-app');
    expect(sla.status).toBe(400);
    expect(upstream.seen.length).toBe(before);
  });

  it('headers: two client_id or client_secret headers are 400, even with the same value', async () => {
    expect((await get('/by-headers/x', ['client_id: good-app', 'client_secret: app-secret'])).status).toBe(200);
    const twoIds = await get('/by-headers/x', [
      'client_id: good-app',
      'client_id: good-app',
      'client_secret: app-secret',
    ]);
    expect(twoIds.status).toBe(400);
    expect(JSON.parse(twoIds.body).error).toBe(
      'the client_id header is sent more than once: send each credential once',
    );
    const twoSecrets = await get('/by-headers/x', [
      'client_id: good-app',
      'Client_Secret: app-secret',
      'client_secret: app-secret',
    ]);
    expect(twoSecrets.status).toBe(400);
  });

  it('two Authorization headers are 400 for basic-auth and for client ids in Basic mode', async () => {
    expect((await get('/login/x', [`Authorization: Basic ${b64('ops:s3cret')}`])).status).toBe(200);
    expect((await get('/by-basic/x', [`Authorization: Basic ${b64('good-app:app-secret')}`])).status).toBe(200);
    for (const path of ['/login/x', '/by-basic/x']) {
      const valid = path === '/login/x' ? b64('ops:s3cret') : b64('good-app:app-secret');
      const res = await get(path, [`Authorization: Basic ${valid}`, `authorization: Basic ${b64('someone:else')}`]);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(res.body).error).toBe('more than one Authorization header: send the credentials once');
    }
  });

  it('other repeated headers are forwarded as before', async () => {
    const res = await get('/login/x', [`Authorization: Basic ${b64('ops:s3cret')}`, 'X-Tag: a', 'X-Tag: b']);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).headers['x-tag']).toBe('a, b');
  });
});
