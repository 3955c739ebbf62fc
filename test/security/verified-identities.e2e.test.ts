import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { statusOf } from '../helpers/wait.js';

const partner = { client_id: 'partner-id', client_secret: 'partner-secret-value' };
const quota = (keySelector: Record<string, unknown>) =>
  policy('quota', 'rate-limiting', {
    rateLimits: [{ maximumRequests: 2, timePeriodInMilliseconds: 600_000 }],
    keySelector,
  });

/**
 * Strict precedence runs rate limiting before client-id enforcement. A limit
 * keyed by an identity counts a request under that identity only when the
 * request proves it; forged claims share one window of their own.
 */
describe('unverified identities never spend a verified client’s quota', () => {
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const state = environmentState(
      [
        api('by-client', upstream.url, [quota({ source: 'client-id' }), policy('partners', 'client-id-enforcement')]),
        api('by-header', upstream.url, [
          quota({ source: 'header', header: 'client_id' }),
          policy('partners', 'client-id-enforcement'),
        ]),
        api('no-enforcement', upstream.url, [quota({ source: 'client-id' })]),
      ],
      [
        {
          name: 'partner',
          clientId: 'partner-id',
          clientSecret: 'partner-secret-value',
          contracts: ['by-client', 'by-header', 'no-enforcement'].map((name) => ({ api: name, version: 'v1' })),
        },
      ],
    );
    expect((await gw.applyState(state)).status).toBe(200);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  it.each(['by-client', 'by-header'])(
    '%s: anonymous requests naming the partner’s client id do not use up its quota',
    async (name) => {
      // They count in the window of unproven claims: 401 from client-id enforcement, then 429 once that window is full.
      const forged = [];
      for (let i = 0; i < 3; i++) {
        forged.push(await statusOf(`${gw.url}/${name}/x`, { client_id: 'partner-id' }));
        forged.push(await statusOf(`${gw.url}/${name}/x`, { client_id: 'partner-id', client_secret: 'guess' }));
      }
      expect(forged).toEqual([401, 401, 429, 429, 429, 429]);
      expect(await statusOf(`${gw.url}/${name}/x`, partner)).toBe(200);
      expect(await statusOf(`${gw.url}/${name}/x`, partner)).toBe(200);
      expect(await statusOf(`${gw.url}/${name}/x`, partner)).toBe(429);
    },
  );

  it('without any client-id policy in the chain the limit still proves the client itself; forged claims share one window', async () => {
    expect(await statusOf(`${gw.url}/no-enforcement/x`, { client_id: 'partner-id' })).toBe(200);
    expect(await statusOf(`${gw.url}/no-enforcement/x`, { client_id: 'partner-id', client_secret: 'guess' })).toBe(200);
    expect(await statusOf(`${gw.url}/no-enforcement/x`, { client_id: 'partner-id' })).toBe(429);
    expect(await statusOf(`${gw.url}/no-enforcement/x`, partner)).toBe(200);
    expect(await statusOf(`${gw.url}/no-enforcement/x`, partner)).toBe(200);
    expect(await statusOf(`${gw.url}/no-enforcement/x`, partner)).toBe(429);
  });
});
