import { describe, expect, it } from 'vitest';
import { create } from '../../src/policies/header-removal/runtime.js';
import { makeContext, makeExchange, runChain } from '../helpers/exchange.js';

describe('header-removal', () => {
  it('removes inbound headers whatever the case in config or request', async () => {
    const handlers = await create({ inboundHeaders: ['X-Internal-Token', 'cookie'], outboundHeaders: [] }, makeContext().ctx);
    const exchange = makeExchange({ headers: { 'x-internal-token': 'abc', cookie: 'a=b', accept: 'application/json' } });
    // Keys added by earlier code in another case are removed too.
    exchange.requestHeaders['X-Internal-Token'] = 'def';
    await runChain([handlers], exchange);
    expect(exchange.requestHeaders).toEqual({ accept: 'application/json' });
  });

  it('removes outbound headers case-insensitively', async () => {
    const handlers = await create({ inboundHeaders: [], outboundHeaders: ['Server', 'x-powered-by'] }, makeContext().ctx);
    const result = await runChain([handlers], makeExchange(), { headers: { server: 'nginx', 'X-Powered-By': 'php', 'content-type': 'text/html' } });
    expect(result.headers).toEqual({ 'content-type': 'text/html' });
  });

  it('has no handler for a direction with nothing to remove', async () => {
    const handlers = await create({ inboundHeaders: [], outboundHeaders: [] }, makeContext().ctx);
    expect(handlers.request).toBeUndefined();
    expect(handlers.response).toBeUndefined();
  });
});
