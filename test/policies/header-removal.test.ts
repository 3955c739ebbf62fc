import { describe, expect, it } from 'vitest';
import type { HeaderRemovalConfig } from '../../src/policies/header-removal/index.js';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const removal = (config: HeaderRemovalConfig) => compileChain({ type: 'header-removal', config });

describe('header-removal', () => {
  it('removes inbound headers whatever the case in config or request', async () => {
    const chain = await removal({ inboundHeaders: ['X-Internal-Token', 'cookie'], outboundHeaders: [] });
    const exchange = makeExchange({ headers: { 'x-internal-token': 'abc', cookie: 'a=b', accept: 'application/json' } });
    // Keys added by earlier code in another case are removed too.
    exchange.requestHeaders['X-Internal-Token'] = 'def';
    const result = await chain.send(exchange);
    expect(exchange.requestHeaders).toEqual({ accept: 'application/json' });
    expect(Object.keys(result.upstreamHeaders ?? {}).filter((h) => /token|cookie/i.test(h))).toEqual([]);
  });

  it('removes outbound headers case-insensitively', async () => {
    const chain = await removal({ inboundHeaders: [], outboundHeaders: ['Server', 'x-powered-by'] });
    const result = await chain.send({}, { headers: { server: 'nginx', 'X-Powered-By': 'php', 'content-type': 'text/html' } });
    expect(result.headers).toEqual({ 'content-type': 'text/html' });
  });

  it('has no handler for a direction with nothing to remove', async () => {
    const handlers = (await removal({ inboundHeaders: [], outboundHeaders: [] })).handlers();
    expect(handlers.request).toBeUndefined();
    expect(handlers.response).toBeUndefined();
  });
});
