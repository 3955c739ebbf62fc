import { describe, expect, it } from 'vitest';
import { create } from '../../src/policies/basic-auth/runtime.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { makeContext, send } from '../helpers/exchange.js';

const basic = (user: string, password: string, scheme = 'Basic') => `${scheme} ${Buffer.from(`${user}:${password}`).toString('base64')}`;

async function policy() {
  const context = makeContext();
  const handlers = await create({ username: 'ops', password: hashSecret('s3cret:with-colon'), realm: 'orders api' }, context.ctx);
  return { handlers, context };
}

describe('basic-auth', () => {
  it('admits the configured username and password', async () => {
    const { handlers } = await policy();
    expect((await send(handlers, { headers: { authorization: basic('ops', 's3cret:with-colon') } })).status).toBe(200);
    // The scheme is case-insensitive.
    expect((await send(handlers, { headers: { authorization: basic('ops', 's3cret:with-colon', 'basic') } })).status).toBe(200);
  });

  it('answers 401 with a Basic challenge for the realm when credentials are missing or wrong', async () => {
    const { handlers } = await policy();
    for (const authorization of [undefined, basic('ops', 'wrong'), basic('root', 's3cret:with-colon'), 'Basic !!!not-base64', 'Bearer token']) {
      const result = await send(handlers, { headers: authorization === undefined ? {} : { authorization } });
      expect(result.status).toBe(401);
      expect(result.upstreamCalled).toBe(false);
      expect(result.headers['www-authenticate']).toBe('Basic realm="orders api"');
    }
  });

  it('never echoes or logs the presented credentials', async () => {
    const { handlers, context } = await policy();
    const result = await send(handlers, { headers: { authorization: basic('mallory', 'hunter2') } });
    expect(JSON.stringify(result)).not.toMatch(/mallory|hunter2/);
    expect(context.lines.join('')).not.toMatch(/mallory|hunter2/);
  });

  it('refuses to compile with an unsealed password', () => {
    expect(() => create({ username: 'ops', password: 'plain', realm: 'r' }, makeContext().ctx)).toThrow(/unsealed/);
  });
});
