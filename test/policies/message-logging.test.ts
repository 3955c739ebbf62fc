import { describe, expect, it } from 'vitest';
import type { MessageLoggingConfig } from '../../src/policies/message-logging/index.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain, type ChainOptions } from '../helpers/chain.js';

function config(partial: Partial<MessageLoggingConfig> = {}): MessageLoggingConfig {
  return { message: '{{method}} {{path}} -> {{status}}', conditional: true, category: 'tollgate.message', level: 'INFO', logPoint: 'after', ...partial };
}
const policy = (partial: Partial<MessageLoggingConfig>, options: ChainOptions = {}) => compileChain({ type: 'message-logging', name: 'audit', config: config(partial) }, options);

describe('message-logging', () => {
  it('logs a structured record after the call with the rendered template', async () => {
    const chain = await policy({ message: '{{api}}: {{method}} {{path}} from {{ip}} -> {{status}} ua={{header.User-Agent}}' });
    await chain.send({ method: 'POST', path: '/orders/7', search: 'client_secret=x', remoteAddress: '2001:db8::9', headers: { 'user-agent': 'curl/8' } }, { status: 201 });
    const records = chain.records();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ level: 30, category: 'tollgate.message', api: 'orders', policy: 'audit', message: 'orders: POST /orders/7 from 2001:db8::9 -> 201 ua=curl/8' });
  });

  it('logs before the call (no status yet), after, or both', async () => {
    const before = await policy({ logPoint: 'before', message: '{{method}} {{status}}' });
    await before.send();
    expect(before.records().map((r) => r.message)).toEqual(['GET -']);
    const both = await policy({ logPoint: 'both', message: '{{status}}' });
    await both.send({}, { status: 204 });
    expect(both.records().map((r) => r.message)).toEqual(['-', '204']);
  });

  it('logs at the configured level and not below the logger level', async () => {
    const warn = await policy({ level: 'WARN' });
    await warn.send();
    expect(warn.records()[0]?.level).toBe(40);
    const quiet = await policy({ level: 'DEBUG' }, { logLevel: 'info' });
    await quiet.send();
    expect(quiet.lines).toEqual([]);
  });

  it('redacts credentials whatever the template asks for', async () => {
    const chain = await policy({
      message: 'a={{header.Authorization}} p={{header.proxy-authorization}} c={{header.cookie}} k={{header.x-api-key}} s={{header.client_secret}} t={{header.X-Client-Secret}} ok={{header.x-request-id}}',
    });
    await chain.send({
      headers: {
        authorization: 'Basic b3BzOnMzY3JldA==',
        'proxy-authorization': 'Basic eHh4',
        cookie: 'session=topsecret',
        'x-api-key': 'key-123',
        client_secret: 'cs-456',
        'x-client-secret': 'cs-789',
        'x-request-id': 'req-1',
      },
    });
    const line = chain.lines.join('');
    expect(chain.records()[0]?.message).toBe('a=[REDACTED] p=[REDACTED] c=[REDACTED] k=[REDACTED] s=[REDACTED] t=[REDACTED] ok=req-1');
    for (const secret of ['b3BzOnMzY3JldA', 'eHh4', 'topsecret', 'key-123', 'cs-456', 'cs-789']) expect(line).not.toContain(secret);
  });

  it('logs the status of a short-circuit reply, since the response handler runs on rejections', async () => {
    const chain = await compileChain([
      { type: 'message-logging', name: 'audit', config: config({}) },
      { type: 'basic-auth', name: 'auth', config: { username: 'u', password: hashSecret('p'), realm: 'r' } },
    ]);
    const result = await chain.send({ path: '/x' });
    expect(result.status).toBe(401);
    expect(chain.records().map((r) => r.message)).toEqual(['GET /x -> 401']);
  });

  it('leaves unknown placeholders as written', async () => {
    const chain = await policy({ message: '{{nope}} {{path}}' });
    await chain.send({ path: '/p' });
    expect(chain.records()[0]?.message).toBe('{{nope}} /p');
  });
});
