import { describe, expect, it } from 'vitest';
import type { HeaderRemovalConfig } from '../../src/policies/header-removal/index.js';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const removal = (config: HeaderRemovalConfig) => compileChain({ type: 'header-removal', config });

describe('header-removal', () => {
  it('removes inbound headers whatever the case in config or request', async () => {
    const chain = await removal({ inboundHeaders: ['X-Internal-Token', 'cookie'], outboundHeaders: [] });
    const exchange = makeExchange({
      headers: { 'x-internal-token': 'abc', cookie: 'a=b', accept: 'application/json' },
    });
    // Keys added by earlier code in another case are removed too.
    exchange.requestHeaders['X-Internal-Token'] = 'def';
    const result = await chain.send(exchange);
    expect(exchange.requestHeaders).toEqual({ accept: 'application/json' });
    expect(Object.keys(result.upstreamHeaders ?? {}).filter((h) => /token|cookie/i.test(h))).toEqual([]);
  });

  it('removes outbound headers case-insensitively', async () => {
    const chain = await removal({ inboundHeaders: [], outboundHeaders: ['Server', 'x-powered-by'] });
    const result = await chain.send(
      {},
      { headers: { server: 'nginx', 'X-Powered-By': 'php', 'content-type': 'text/html' } },
    );
    expect(result.headers).toEqual({ 'content-type': 'text/html' });
  });

  // Reference: "names or regular expressions (`Access-Control.*`), case-insensitive, whole name".
  it('an entry may be a regular expression, matched case-insensitively against the whole name', async () => {
    const chain = await removal({
      inboundHeaders: ['x-debug-.*'],
      outboundHeaders: ['Access-Control.*', 'X-(Powered-By|AspNet-Version)'],
    });
    const result = await chain.send(
      { headers: { 'x-debug-trace': '1', 'x-debug-': '2', 'x-debugger': 'kept', 'my-x-debug-a': 'kept' } },
      {
        headers: {
          'access-control-allow-origin': '*',
          'Access-Control-Expose-Headers': 'x',
          'x-access-control': 'kept',
          'x-powered-by': 'php',
          'x-aspnet-version': '4',
          'x-powered-by-extra': 'kept',
        },
      },
    );
    expect(
      Object.keys(result.upstreamHeaders ?? {})
        .filter((h) => h.includes('debug'))
        .sort(),
    ).toEqual(['my-x-debug-a', 'x-debugger']);
    expect(result.headers).toEqual({ 'x-access-control': 'kept', 'x-powered-by-extra': 'kept' });
  });

  it('has no handler for a direction with nothing to remove', async () => {
    const handlers = (await removal({ inboundHeaders: [], outboundHeaders: [] })).handlers();
    expect(handlers.request).toBeUndefined();
    expect(handlers.response).toBeUndefined();
  });
});
