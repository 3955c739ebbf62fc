import { describe, expect, it } from 'vitest';
import { create } from '../../src/policies/header-injection/runtime.js';
import { create as createRateLimiting } from '../../src/policies/rate-limiting/runtime.js';
import { makeContext, makeExchange, runChain } from '../helpers/exchange.js';

describe('header-injection', () => {
  it('sets inbound headers on the request sent upstream, lower-cased, replacing existing values', async () => {
    const handlers = await create({ inboundHeaders: [{ key: 'X-Gateway', value: 'tollgate' }, { key: 'X-Env', value: 'prod' }], outboundHeaders: [] }, makeContext().ctx);
    const exchange = makeExchange({ headers: { 'x-env': 'spoofed' } });
    await runChain([handlers], exchange);
    expect(exchange.requestHeaders['x-gateway']).toBe('tollgate');
    expect(exchange.requestHeaders['x-env']).toBe('prod');
    expect(handlers.response).toBeUndefined();
  });

  it('sets outbound headers on the response, replacing other spellings', async () => {
    const handlers = await create({ inboundHeaders: [], outboundHeaders: [{ key: 'Strict-Transport-Security', value: 'max-age=63072000' }] }, makeContext().ctx);
    expect(handlers.request).toBeUndefined();
    const result = await runChain([handlers], makeExchange(), { headers: { 'STRICT-TRANSPORT-SECURITY': 'max-age=1', 'content-type': 'text/plain' } });
    expect(result.headers).toEqual({ 'strict-transport-security': 'max-age=63072000', 'content-type': 'text/plain' });
  });

  it('also sets outbound headers on rejections of later policies', async () => {
    const chain = [
      await create({ inboundHeaders: [], outboundHeaders: [{ key: 'X-Served-By', value: 'tollgate' }] }, makeContext().ctx),
      await createRateLimiting(
        { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 3_600_000 }], keySelector: { source: 'api' }, exposeHeaders: false, clusterizable: true, failMode: 'open' },
        makeContext({ policyName: 'limit' }).ctx,
      ),
    ];
    await runChain(chain, makeExchange());
    const rejected = await runChain(chain, makeExchange());
    expect(rejected.status).toBe(429);
    expect(rejected.headers['x-served-by']).toBe('tollgate');
  });
});
