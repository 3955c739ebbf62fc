import { describe, expect, it } from 'vitest';
import type { HeaderInjectionConfig } from '../../src/policies/header-injection/index.js';
import { checkPolicyConfig } from '../../src/policies/config-check.js';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const injection = (config: HeaderInjectionConfig) => compileChain({ type: 'header-injection', config });

describe('header-injection', () => {
  // Reference: "adds the header; an existing header of the same name is not overridden (the injected value is added beside it)".
  it('adds inbound headers to the request sent upstream; a header the client sent keeps its value, the injected one is added beside it', async () => {
    const chain = await injection({
      inboundHeaders: [
        { key: 'X-Gateway', value: 'tollgate' },
        { key: 'X-Env', value: 'prod' },
      ],
      outboundHeaders: [],
    });
    const result = await chain.send({ headers: { 'x-env': 'from-client' } });
    expect(result.upstreamHeaders?.['x-gateway']).toBe('tollgate');
    expect(result.upstreamHeaders?.['x-env']).toEqual(['from-client', 'prod']);
    expect(chain.handlers().response).toBeUndefined();
  });

  it("adds outbound headers to the response beside the upstream's, whatever the spelling of its name", async () => {
    const chain = await injection({
      inboundHeaders: [],
      outboundHeaders: [
        { key: 'Cache-Control', value: 'no-store' },
        { key: 'X-Frame-Options', value: 'DENY' },
      ],
    });
    expect(chain.handlers().request).toBeUndefined();
    const result = await chain.send({}, { headers: { 'cache-control': 'max-age=60', 'content-type': 'text/plain' } });
    expect(result.headers).toEqual({
      'cache-control': ['max-age=60', 'no-store'],
      'x-frame-options': 'DENY',
      'content-type': 'text/plain',
    });
    const ex = makeExchange();
    ex.responseHeaders['X-FRAME-OPTIONS'] = 'SAMEORIGIN';
    expect((await chain.send(ex)).headers['X-FRAME-OPTIONS']).toEqual(['SAMEORIGIN', 'DENY']);
  });

  // Reference: "values may be expressions".
  it('values may be expressions, evaluated per request; a null value adds nothing, nor does one no header may hold', async () => {
    const chain = await injection({
      inboundHeaders: [
        { key: 'X-Client', value: "#[attributes.headers['client_id'] default 'anonymous']" },
        { key: 'X-Route', value: "#[attributes.method ++ ' ' ++ attributes.requestPath]" },
        { key: 'X-Tag', value: "#[attributes.queryParams['tag']]" },
      ],
      outboundHeaders: [{ key: 'X-Status', value: '#[attributes.statusCode]' }],
    });
    const named = await chain.send(
      { method: 'PUT', path: '/42', headers: { client_id: 'c-1' }, search: 'tag=a%0D%0Ab' },
      { status: 201 },
    );
    expect(named.upstreamHeaders).toMatchObject({ 'x-client': 'c-1', 'x-route': 'PUT /orders/42' });
    expect(named.upstreamHeaders?.['x-tag']).toBeUndefined();
    expect(named.headers['x-status']).toBe('201');
    const anonymous = await chain.send({ search: 'tag=blue' });
    expect(anonymous.upstreamHeaders).toMatchObject({ 'x-client': 'anonymous', 'x-tag': 'blue' });
  });

  it('also sets outbound headers on rejections of later policies', async () => {
    const chain = await compileChain([
      {
        type: 'header-injection',
        config: { inboundHeaders: [], outboundHeaders: [{ key: 'X-Served-By', value: 'tollgate' }] },
      },
      {
        type: 'rate-limiting',
        name: 'limit',
        config: {
          rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 3_600_000 }],
          keySelector: { source: 'api' },
          exposeHeaders: false,
          clusterizable: true,
          failMode: 'open',
        },
      },
    ]);
    await chain.send();
    const rejected = await chain.send();
    expect(rejected.status).toBe(429);
    expect(rejected.headers['x-served-by']).toBe('tollgate');
  });

  // Reference: "both empty is invalid".
  it('a config with both lists empty is invalid; a bad expression is reported at its token', () => {
    expect(checkPolicyConfig('header-injection', {}).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('both empty'),
    ]);
    const bad = checkPolicyConfig('header-injection', {
      inboundHeaders: [{ key: 'X-A', value: '#[vars.tenant]' }],
    }).problems;
    expect(bad).toEqual([
      expect.objectContaining({ path: ['inboundHeaders', 0, 'value'], code: 'TG_EXPRESSION', offset: 2 }),
    ]);
  });
});
