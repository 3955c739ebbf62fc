import { describe, expect, it } from 'vitest';
import { MemoryExchange } from '../../src/policy-tests/memory-exchange.js';

const exchange = (body: string) =>
  new MemoryExchange({
    method: 'POST',
    path: '/items',
    search: 'a=1',
    remoteAddress: '203.0.113.9',
    headers: { host: 'shop.example', 'content-type': 'application/json' },
    body: Buffer.from(body),
  });

describe('MemoryExchange: the Exchange contract over a request in memory', () => {
  it('carries the request as the data plane parsed it', () => {
    const ex = exchange('{}');
    expect([ex.method, ex.path, ex.search, ex.host, ex.remoteAddress]).toEqual([
      'POST',
      '/items',
      'a=1',
      'shop.example',
      '203.0.113.9',
    ]);
    ex.locals.client = 'x';
    ex.responseHeaders['x-a'] = '1';
    expect(ex.locals).toEqual({ client: 'x' });
    expect(ex.responseHeaders).toEqual({ 'x-a': '1' });
  });

  it('readBody returns the whole body every time, and refuses one over the limit with a 413 reply', async () => {
    const ex = exchange('{"a":1}');
    expect((await ex.readBody(100)).toString()).toBe('{"a":1}');
    expect((await ex.readBody(100)).toString()).toBe('{"a":1}');
    await expect(ex.readBody(3)).rejects.toEqual({ status: 413, body: { error: 'request body larger than 3 bytes' } });
  });

  it('readBodyChunks yields 16 KiB chunks and stops at the chunk that crosses the limit', async () => {
    const body = 'x'.repeat(40 * 1024);
    const sizes: number[] = [];
    for await (const chunk of exchange(body).readBodyChunks(1 << 20)) sizes.push(chunk.length);
    expect(sizes).toEqual([16384, 16384, 8192]);
    const read: number[] = [];
    const reading = (async () => {
      for await (const chunk of exchange(body).readBodyChunks(20 * 1024)) read.push(chunk.length);
    })();
    await expect(reading).rejects.toMatchObject({ status: 413 });
    expect(read).toEqual([16384]);
  });
});
