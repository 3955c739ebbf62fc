import { describe, expect, it } from 'vitest';
import type { ApplicationState } from '../../src/model/types.js';
import type { ClientIdEnforcementConfig } from '../../src/policies/client-id-enforcement/index.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const v1 = [{ api: 'orders', version: 'v1' }];
const applications: ApplicationState[] = [
  { name: 'shop', clientId: 'shop-id', clientSecret: hashSecret('shop-secret'), contracts: v1 },
  { name: 'batch', clientId: 'batch-id', contracts: v1 }, // no secret
];

function config(partial: Partial<ClientIdEnforcementConfig> = {}): ClientIdEnforcementConfig {
  return {
    credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
    clientIdExpression: "#[attributes.headers['client_id']]",
    clientSecretExpression: "#[attributes.headers['client_secret']]",
    ...partial,
  };
}
const policy = (partial: Partial<ClientIdEnforcementConfig> = {}, apps = applications) =>
  compileChain({ type: 'client-id-enforcement', config: config(partial) }, { applications: apps });
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('client-id-enforcement', () => {
  it('admits a known client with its secret and records it for later policies', async () => {
    const exchange = makeExchange({ headers: { client_id: 'shop-id', client_secret: 'shop-secret' } });
    const result = await (await policy()).send(exchange);
    expect(result.status).toBe(200);
    expect(exchange.locals.clientId).toBe('shop-id');
    expect(exchange.locals.application).toMatchObject({ name: 'shop' });
  });

  it('reads configured header names case-insensitively', async () => {
    const chain = await policy({
      clientIdExpression: "#[attributes.headers['X-Client-Id']]",
      clientSecretExpression: "#[attributes.headers['X-Client-Secret']]",
    });
    expect((await chain.send({ headers: { 'x-client-id': 'shop-id', 'X-CLIENT-SECRET': 'shop-secret' } })).status).toBe(
      200,
    );
  });

  // Reference: "401 for bad or missing credentials, with WWW-Authenticate: Client-ID-Enforcement in header/query mode".
  it('rejects a request without a client id with 401 and WWW-Authenticate: Client-ID-Enforcement', async () => {
    const result = await (await policy()).send({});
    expect(result.status).toBe(401);
    expect(result.upstreamCalled).toBe(false);
    expect(result.headers['www-authenticate']).toBe('Client-ID-Enforcement');
    expect(result.body).toEqual({ error: expect.stringContaining('client_id header') });
  });

  it('rejects an unknown client id with 401', async () => {
    const result = await (await policy()).send({ headers: { client_id: 'nobody', client_secret: 'x' } });
    expect(result.status).toBe(401);
  });

  it('rejects a wrong secret with 401 without echoing it', async () => {
    const result = await (await policy()).send({ headers: { client_id: 'shop-id', client_secret: 'guess-123' } });
    expect(result.status).toBe(401);
    expect(JSON.stringify(result)).not.toContain('guess-123');
  });

  it('rejects a missing secret when one is required', async () => {
    const result = await (await policy()).send({ headers: { client_id: 'shop-id' } });
    expect(result.status).toBe(401);
    expect(result.body).toEqual({ error: expect.stringContaining('client_secret') });
  });

  it('cannot admit an application without a secret when a secret is required', async () => {
    expect(
      (await (await policy()).send({ headers: { client_id: 'batch-id', client_secret: 'anything' } })).status,
    ).toBe(401);
  });

  // Reference: "the secret is optional": an empty client secret expression reads none.
  it('admits on the client id alone when the secret is optional (an empty clientSecretExpression)', async () => {
    const chain = await policy({ clientSecretExpression: '' });
    expect((await chain.send({ headers: { client_id: 'batch-id' } })).status).toBe(200);
    expect((await chain.send({ headers: { client_id: 'shop-id' } })).status).toBe(200);
    // No expression reads a secret, so a header of that name means nothing.
    expect((await chain.send({ headers: { client_id: 'shop-id', client_secret: 'wrong' } })).status).toBe(200);
    expect((await chain.send({ headers: { client_id: 'nobody' } })).status).toBe(401);
  });

  it('reads credentials from query parameters, decoding them', async () => {
    const apps = [{ name: 'q', clientId: 'q id', clientSecret: hashSecret('s&cret'), contracts: v1 }];
    const chain = await policy(
      {
        clientIdExpression: "#[attributes.queryParams['client_id']]",
        clientSecretExpression: "#[attributes.queryParams['client_secret']]",
      },
      apps,
    );
    expect((await chain.send({ search: 'x=1&client_id=q+id&client_secret=s%26cret' })).status).toBe(200);
    expect((await chain.send({ search: 'client_id=q+id' })).status).toBe(401);
    expect((await chain.send({ headers: { client_id: 'q id', client_secret: 's&cret' } })).status).toBe(401);
  });

  // Reference: "WWW-Authenticate: Basic realm=\"...\" in Basic mode".
  it('reads credentials from an Authorization: Basic header, and challenges with Basic', async () => {
    const chain = await policy({ credentialsOriginHasHttpBasicAuthenticationHeader: 'httpBasicAuthenticationHeader' });
    expect((await chain.send({ headers: { authorization: basic('shop-id', 'shop-secret') } })).status).toBe(200);
    const wrong = await chain.send({ headers: { authorization: basic('shop-id', 'nope') } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Basic realm="tollgate"');
    expect((await chain.send({ headers: { authorization: 'Bearer abc' } })).status).toBe(401);
  });

  it('credentials may come from any expression: a header, else a query parameter', async () => {
    const chain = await policy({
      clientIdExpression: "#[attributes.headers['x-app'] default attributes.queryParams['app']]",
      clientSecretExpression: "#[attributes.headers['x-key'] default attributes.queryParams['key']]",
    });
    expect((await chain.send({ headers: { 'x-app': 'shop-id', 'x-key': 'shop-secret' } })).status).toBe(200);
    expect((await chain.send({ search: 'app=shop-id&key=shop-secret' })).status).toBe(200);
    // Every place an expression reads is a place a credential must come once.
    expect((await chain.send({ search: 'app=shop-id&key=shop-secret&app=other' })).status).toBe(400);
  });

  it('admits only applications with a contract for this API version', async () => {
    // The shop has a contract for v1 only; the same Api at v2 does not know it.
    const v2 = await compileChain(
      { type: 'client-id-enforcement', config: config() },
      { applications, api: { version: 'v2' } },
    );
    expect((await v2.send({ headers: { client_id: 'shop-id', client_secret: 'shop-secret' } })).status).toBe(401);
    expect(
      (await (await policy()).send({ headers: { client_id: 'shop-id', client_secret: 'shop-secret' } })).status,
    ).toBe(200);
  });
});
