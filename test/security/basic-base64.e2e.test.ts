import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { rawRequest } from './raw-http.js';

/**
 * Basic credentials are canonical base64 (RFC 4648): a real gateway refuses
 * every other spelling that Buffer.from(x, 'base64') would have decoded to
 * the same credentials (garbage after the padding, the URL-safe alphabet,
 * missing padding, spaces inside, non-zero pad bits).
 */

const CANONICAL: Record<string, string> = {
  '/plain/x': 'b3BzOnMzY3JldA==',
  '/plus/x': 'b3BzOnMzY3JldD4+',
  '/ids/x': 'b3BzOnMzY3JldA==',
};

describe('basic-auth decodes base64 strictly', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  const status = async (path: string, authorization: string) =>
    (await rawRequest(gw.url, `GET ${path} HTTP/1.1`, [`Authorization: ${authorization}`])).status;

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState(
        [
          api('plain', upstream.url, [policy('login', 'basic-auth', { username: 'ops', password: 's3cret' })]),
          api('plus', upstream.url, [policy('login', 'basic-auth', { username: 'ops', password: 's3cret>>' })]),
          api('ids', upstream.url, [
            policy('ids', 'client-id-enforcement', {
              credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader',
            }),
          ]),
        ],
        [{ name: 'app', clientId: 'ops', clientSecret: 's3cret', contracts: [{ api: 'ids', version: 'v1' }] }],
      ),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('the canonical encoding passes, with one or more spaces after the scheme', async () => {
    expect(Buffer.from('ops:s3cret').toString('base64')).toBe('b3BzOnMzY3JldA==');
    expect(Buffer.from('ops:s3cret>>').toString('base64')).toBe('b3BzOnMzY3JldD4+');
    expect(await status('/plain/x', 'Basic b3BzOnMzY3JldA==')).toBe(200);
    expect(await status('/plain/x', 'basic    b3BzOnMzY3JldA==')).toBe(200);
    expect(await status('/plus/x', 'Basic b3BzOnMzY3JldD4+')).toBe(200);
    expect(await status('/ids/x', 'Basic b3BzOnMzY3JldA==')).toBe(200);
  });

  it.each([
    ['garbage after the padding', '/plain/x', 'b3BzOnMzY3JldA==!!!!'],
    ['garbage before the padding', '/plain/x', 'b3BzOnMzY3JldA!!=='],
    ['more data after the padding', '/plain/x', 'b3BzOnMzY3JldA==b3Bz'],
    ['missing padding', '/plain/x', 'b3BzOnMzY3JldA'],
    ['a space inside', '/plain/x', 'b3BzOnMz Y3JldA=='],
    ['non-zero pad bits', '/plain/x', 'b3BzOnMzY3JldB=='],
    ['the URL-safe alphabet', '/plus/x', 'b3BzOnMzY3JldD4-'],
    ['garbage, in client-id Basic mode', '/ids/x', 'b3BzOnMzY3JldA==!!!!'],
  ])('%s: 401', async (_what, path, credentials) => {
    // Each of these decodes to the right credentials with Buffer.from(x, 'base64').
    expect(Buffer.from(credentials, 'base64').toString('utf8')).toMatch(/^ops:s3cret/);
    // The canonical spelling was just admitted (its verdict is remembered): another spelling is still refused.
    expect(await status(path, `Basic ${CANONICAL[path]}`)).toBe(200);
    expect(await status(path, `Basic ${credentials}`)).toBe(401);
  });
});
