import { describe, expect, it } from 'vitest';
import type { ApplicationState } from '../../src/model/types.js';
import type { RateLimitingSlaConfig } from '../../src/policies/rate-limiting-sla/index.js';
import { TestClock } from '../../src/policy-tests/test-clock.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain, type ChainOptions } from '../helpers/chain.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const slaTiers = [
  {
    name: 'gold',
    limits: [
      { maximumRequests: 3, timePeriodInMilliseconds: HOUR },
      { maximumRequests: 100, timePeriodInMilliseconds: DAY },
    ],
  },
  {
    name: 'tight',
    limits: [
      { maximumRequests: 50, timePeriodInMilliseconds: HOUR },
      { maximumRequests: 2, timePeriodInMilliseconds: DAY },
    ],
  },
];
const applications: ApplicationState[] = [
  {
    name: 'gold-app',
    clientId: 'gold',
    clientSecret: hashSecret('g'),
    contracts: [{ api: 'orders', version: 'v1', tier: 'gold' }],
  },
  { name: 'tight-app', clientId: 'tight', contracts: [{ api: 'orders', version: 'v1', tier: 'tight' }] },
  { name: 'untiered', clientId: 'untiered', contracts: [{ api: 'orders', version: 'v1' }] },
];
// Tiers on the Api, contracts on the applications, as the gateway gets them; windows follow a test clock.
const around = (): ChainOptions => ({ api: { slaTiers }, applications, clock: new TestClock() });

function config(partial: Partial<RateLimitingSlaConfig> = {}): RateLimitingSlaConfig {
  return {
    credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
    clientIdExpression: "#[attributes.headers['client_id']]",
    clientSecretExpression: '',
    exposeHeaders: false,
    clusterizable: true,
    failMode: 'open',
    ...partial,
  };
}
const policy = (partial: Partial<RateLimitingSlaConfig> = {}) =>
  compileChain({ type: 'rate-limiting-sla', name: 'sla', config: config(partial) }, around());
const as = (clientId: string) => ({ headers: { client_id: clientId } });

describe('rate-limiting-sla', () => {
  it('limits each client by its tier and answers 429 over quota', async () => {
    const chain = await policy();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chain.send(as('gold'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another client has its own counters.
    expect((await chain.send(as('tight'))).status).toBe(200);
  });

  it('reports the most restrictive window of the tier when exposeHeaders', async () => {
    const chain = await policy({ exposeHeaders: true });
    const first = await chain.send(as('tight'));
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    await chain.send(as('tight'));
    const rejected = await chain.send(as('tight'));
    expect(rejected.status).toBe(429);
    expect(rejected.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
    expect(Number(rejected.headers['x-ratelimit-reset'])).toBeGreaterThan(HOUR / 1000);
  });

  it('rejects an unknown client (no contract) and a missing client id with 401', async () => {
    const chain = await policy();
    expect((await chain.send(as('stranger'))).status).toBe(401);
    expect((await chain.send({})).status).toBe(401);
  });

  it('rejects a client whose contract has no SLA tier with 401', async () => {
    const result = await (await policy()).send(as('untiered'));
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ error: expect.stringContaining('no SLA tier') });
  });

  // Reference: "enforces the client credentials itself (usable without client-id-enforcement); 401 unknown client or bad secret".
  it('checks the secret when its expression is set, without any client-id-enforcement in the chain', async () => {
    const chain = await policy({ clientSecretExpression: "#[attributes.headers['client_secret']]" });
    expect((await chain.send(as('gold'))).status).toBe(401);
    const wrong = await chain.send({ headers: { client_id: 'gold', client_secret: 'bad' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Client-ID-Enforcement');
    expect((await chain.send({ headers: { client_id: 'gold', client_secret: 'g' } })).status).toBe(200);
  });

  it('reuses the client identified by client-id-enforcement', async () => {
    const chain = await compileChain(
      [
        {
          type: 'client-id-enforcement',
          name: 'ids',
          config: {
            credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
            clientIdExpression: "#[attributes.headers['x-app']]",
            clientSecretExpression: "#[attributes.headers['x-app-secret']]",
          },
        },
        // Reads credentials from the query, which this request does not use: it must rely on the earlier identification.
        {
          type: 'rate-limiting-sla',
          name: 'sla',
          config: config({ clientIdExpression: "#[attributes.queryParams['client_id']]" }),
        },
      ],
      around(),
    );
    const request = { headers: { 'x-app': 'gold', 'x-app-secret': 'g' } };
    expect((await chain.send(request)).status).toBe(200);
    expect((await chain.send({ search: 'client_id=gold' })).status).toBe(401);
  });
});
