import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain } from '../helpers/chain.js';

const basic = (user: string, password: string, scheme = 'Basic') =>
  `${scheme} ${Buffer.from(`${user}:${password}`).toString('base64')}`;

const policy = () =>
  compileChain({
    type: 'basic-auth',
    config: { username: 'ops', password: hashSecret('s3cret:with-colon'), realm: 'orders api' },
  });

describe('basic-auth', () => {
  it('admits the configured username and password', async () => {
    const chain = await policy();
    expect((await chain.send({ headers: { authorization: basic('ops', 's3cret:with-colon') } })).status).toBe(200);
    // The scheme is case-insensitive.
    expect((await chain.send({ headers: { authorization: basic('ops', 's3cret:with-colon', 'basic') } })).status).toBe(
      200,
    );
  });

  it('answers 401 with a Basic challenge for the realm when credentials are missing or wrong', async () => {
    const chain = await policy();
    for (const authorization of [
      undefined,
      basic('ops', 'wrong'),
      basic('root', 's3cret:with-colon'),
      'Basic !!!not-base64',
      'Bearer token',
    ]) {
      const result = await chain.send({ headers: authorization === undefined ? {} : { authorization } });
      expect(result.status).toBe(401);
      expect(result.upstreamCalled).toBe(false);
      expect(result.headers['www-authenticate']).toBe('Basic realm="orders api"');
    }
  });

  it('keeps each verdict on later requests, remembered by the header as sent', async () => {
    const chain = await policy();
    const good = basic('ops', 's3cret:with-colon');
    const spellings = [
      good,
      basic('ops', 'wrong'),
      `${good}!!`,
      `Basic  ${good.slice(6)}`,
      good.replace('Basic', 'bAsIc'),
    ];
    const expected = [200, 401, 401, 200, 200];
    // Twice each: the second round is answered from the remembered verdicts.
    for (let round = 0; round < 2; round++)
      for (const [i, authorization] of spellings.entries())
        expect((await chain.send({ headers: { authorization } })).status, `${round}: ${authorization}`).toBe(
          expected[i],
        );
  });

  it('never echoes or logs the presented credentials', async () => {
    const chain = await policy();
    const result = await chain.send({ headers: { authorization: basic('mallory', 'hunter2') } });
    expect(JSON.stringify(result)).not.toMatch(/mallory|hunter2/);
    expect(chain.lines.join('')).not.toMatch(/mallory|hunter2/);
  });

  it('applies only to the requests its rules match', async () => {
    const chain = await compileChain({
      type: 'basic-auth',
      config: { username: 'ops', password: hashSecret('pw'), realm: 'r' },
      rules: [{ methods: ['POST'], path: '^/admin' }],
    });
    expect((await chain.send({ method: 'GET', path: '/admin/users' })).status).toBe(200);
    expect((await chain.send({ method: 'POST', path: '/public' })).status).toBe(200);
    expect((await chain.send({ method: 'POST', path: '/admin/users' })).status).toBe(401);
  });

  it('is not enforced when disabled', async () => {
    const chain = await compileChain({
      type: 'basic-auth',
      config: { username: 'ops', password: hashSecret('pw'), realm: 'r' },
      enabled: false,
    });
    expect((await chain.send()).status).toBe(200);
  });

  it('refuses to compile with an unsealed password', async () => {
    await expect(
      compileChain({ type: 'basic-auth', config: { username: 'ops', password: 'plain', realm: 'r' } }),
    ).rejects.toThrow(/unsealed/);
  });
});
