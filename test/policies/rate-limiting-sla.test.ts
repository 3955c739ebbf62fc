import { describe, expect, it } from 'vitest';
import type { ApplicationRuntime } from '../../src/gateway/chain/types.js';
import { create as createClientIdEnforcement } from '../../src/policies/client-id-enforcement/runtime.js';
import type { RateLimitingSlaConfig } from '../../src/policies/rate-limiting-sla/index.js';
import { create } from '../../src/policies/rate-limiting-sla/runtime.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { makeContext, send } from '../helpers/exchange.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const applications: ApplicationRuntime[] = [
  { name: 'gold-app', clientId: 'gold', clientSecret: hashSecret('g'), tier: { name: 'gold', limits: [{ maximumRequests: 3, timePeriodInMilliseconds: HOUR }, { maximumRequests: 100, timePeriodInMilliseconds: DAY }] } },
  { name: 'tight-app', clientId: 'tight', tier: { name: 'tight', limits: [{ maximumRequests: 50, timePeriodInMilliseconds: HOUR }, { maximumRequests: 2, timePeriodInMilliseconds: DAY }] } },
  { name: 'untiered', clientId: 'untiered' },
];

function config(partial: Partial<RateLimitingSlaConfig> = {}): RateLimitingSlaConfig {
  return { credentialsOrigin: 'headers', clientIdName: 'client_id', clientSecretName: 'client_secret', secretRequired: false, exposeHeaders: false, clusterizable: true, failMode: 'open', ...partial };
}
const policy = (partial: Partial<RateLimitingSlaConfig> = {}) => create(config(partial), makeContext({ applications }).ctx);
const as = (clientId: string) => ({ headers: { client_id: clientId } });

describe('rate-limiting-sla', () => {
  it("limits each client by its tier and answers 429 over quota", async () => {
    const handlers = await policy();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(handlers, as('gold'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    // Another client has its own counters.
    expect((await send(handlers, as('tight'))).status).toBe(200);
  });

  it('reports the most restrictive window of the tier when exposeHeaders', async () => {
    const handlers = await policy({ exposeHeaders: true });
    const first = await send(handlers, as('tight'));
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    await send(handlers, as('tight'));
    const rejected = await send(handlers, as('tight'));
    expect(rejected.status).toBe(429);
    expect(rejected.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '0' });
    expect(Number(rejected.headers['x-ratelimit-reset'])).toBeGreaterThan(HOUR / 1000);
  });

  it('rejects an unknown client (no contract) and a missing client id with 401', async () => {
    const handlers = await policy();
    expect((await send(handlers, as('stranger'))).status).toBe(401);
    expect((await send(handlers, {})).status).toBe(401);
  });

  it('rejects a client whose contract has no SLA tier with 401', async () => {
    const result = await send(await policy(), as('untiered'));
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ error: expect.stringContaining('no SLA tier') });
  });

  it('checks the secret when it is required', async () => {
    const handlers = await policy({ secretRequired: true });
    expect((await send(handlers, as('gold'))).status).toBe(401);
    expect((await send(handlers, { headers: { client_id: 'gold', client_secret: 'g' } })).status).toBe(200);
  });

  it('reuses the client identified by client-id-enforcement', async () => {
    const chain = [
      await createClientIdEnforcement(
        { credentialsOrigin: 'headers', clientIdName: 'x-app', clientSecretName: 'x-app-secret', secretRequired: true },
        makeContext({ applications, policyName: 'ids' }).ctx,
      ),
      // Reads credentials from the query, which this request does not use: it must rely on the earlier identification.
      // Its context holds copies of the applications, as a separately built context would.
      await create(config({ credentialsOrigin: 'query' }), makeContext({ applications: applications.map((a) => ({ ...a })), policyName: 'sla' }).ctx),
    ];
    const request = { headers: { 'x-app': 'gold', 'x-app-secret': 'g' } };
    expect((await send(chain, request)).status).toBe(200);
  });
});
