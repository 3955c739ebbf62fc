import { describe, expect, it } from 'vitest';
import type { HeaderInjectionConfig } from '../../src/policies/header-injection/index.js';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const injection = (config: HeaderInjectionConfig) => compileChain({ type: 'header-injection', config });

describe('header-injection', () => {
  it('sets inbound headers on the request sent upstream, lower-cased, replacing existing values', async () => {
    const chain = await injection({ inboundHeaders: [{ key: 'X-Gateway', value: 'tollgate' }, { key: 'X-Env', value: 'prod' }], outboundHeaders: [] });
    const result = await chain.send({ headers: { 'x-env': 'spoofed' } });
    expect(result.upstreamHeaders?.['x-gateway']).toBe('tollgate');
    expect(result.upstreamHeaders?.['x-env']).toBe('prod');
    expect(chain.handlers().response).toBeUndefined();
  });

  it('sets outbound headers on the response, replacing other spellings', async () => {
    const chain = await injection({ inboundHeaders: [], outboundHeaders: [{ key: 'Strict-Transport-Security', value: 'max-age=63072000' }] });
    expect(chain.handlers().request).toBeUndefined();
    const result = await chain.send({}, { headers: { 'STRICT-TRANSPORT-SECURITY': 'max-age=1', 'content-type': 'text/plain' } });
    expect(result.headers).toEqual({ 'strict-transport-security': 'max-age=63072000', 'content-type': 'text/plain' });
    // A policy's own response header of another spelling is replaced too.
    const ex = makeExchange();
    ex.responseHeaders['STRICT-TRANSPORT-SECURITY'] = 'max-age=1';
    expect((await chain.send(ex)).headers).toMatchObject({ 'strict-transport-security': 'max-age=63072000' });
    expect(Object.keys((await chain.send(ex)).headers).filter((h) => h.toLowerCase() === 'strict-transport-security')).toHaveLength(1);
  });

  it('also sets outbound headers on rejections of later policies', async () => {
    const chain = await compileChain([
      { type: 'header-injection', config: { inboundHeaders: [], outboundHeaders: [{ key: 'X-Served-By', value: 'tollgate' }] } },
      { type: 'rate-limiting', name: 'limit', config: { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 3_600_000 }], keySelector: { source: 'api' }, exposeHeaders: false, clusterizable: true, failMode: 'open' } },
    ]);
    await chain.send();
    const rejected = await chain.send();
    expect(rejected.status).toBe(429);
    expect(rejected.headers['x-served-by']).toBe('tollgate');
  });
});
