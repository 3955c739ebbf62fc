import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tollgate from '../src/index.js';
import { ROOT } from './helpers/gateway-process.js';

describe('library entry point', () => {
  it('validates, normalizes and plans the examples with the functions the commands use', async () => {
    const result = await tollgate.validatePaths([path.join(ROOT, 'examples/multi-env')]);
    expect(result.valid).toBe(true);
    const production = tollgate.environmentState(result.manifests, 'production');
    const sandbox = tollgate.environmentState(result.manifests, 'sandbox');
    // A structural copy: the diff short-cuts objects it is given twice, so the same object proves nothing.
    expect(tollgate.diffStates(production, structuredClone(production))).toEqual([]);
    const changes = tollgate.diffStates(sandbox, production);
    expect(changes.length).toBeGreaterThan(0);
    expect(
      tollgate.computePlan(production, undefined, { prune: true }).plan.changes.filter((c) => c.kind === 'create-api'),
    ).toHaveLength(production.apis.length);
  });
});

describe('the policy SDK from the entry point', () => {
  it('a custom policy written against the exported types compiles and runs in a chain as the built-in ones do', async () => {
    const { compileChain } = await import('./helpers/chain.js');
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    // The factory a custom module exports, typed with the package's own SDK.
    const factory: tollgate.PolicyFactory<{ header: string }> = (config, ctx) => {
      const name = config.header.toLowerCase();
      return {
        request: (exchange: tollgate.Exchange): tollgate.Reply | undefined =>
          exchange.requestHeaders[name] === undefined
            ? { status: 403, body: { error: `${ctx.apiName} needs ${name}` } }
            : undefined,
      };
    };
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-sdk-'));
    const module = path.join(dir, 'needs-header.mjs');
    await writeFile(module, `export const create = ${factory.toString()};`);
    const chain = await compileChain({ type: 'custom', config: { module, config: { header: 'X-Tenant' } } });
    expect(await chain.send({})).toMatchObject({ status: 403, body: { error: 'orders needs x-tenant' } });
    expect(await chain.send({ headers: { 'x-tenant': 'acme' } })).toMatchObject({ status: 200, upstreamCalled: true });
  });
});

describe('manifests and the gateway normalize alike', () => {
  it('a policy written without config gets its defaults, and the gateway would store the very same state (no plan noise)', async () => {
    const { checkState } = await import('../src/gateway/state/check-state.js');
    for (const example of ['examples/quickstart', 'examples/multi-env']) {
      const result = await tollgate.validatePaths([path.join(ROOT, example)]);
      for (const env of result.manifests.environments) {
        const desired = tollgate.environmentState(result.manifests, env.name);
        const stored = checkState(structuredClone(desired));
        expect(stored.problems).toEqual([]);
        expect(tollgate.diffStates(desired, stored.state)).toEqual([]);
      }
    }
    const orders = (await tollgate.validatePaths([path.join(ROOT, 'examples/quickstart')])).manifests.apis.find(
      (a) => a.name === 'orders',
    );
    expect(orders?.spec.policies.find((p) => p.type === 'client-id-enforcement')?.config).toEqual({
      credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression',
      clientIdExpression: "#[attributes.headers['client_id']]",
      clientSecretExpression: "#[attributes.headers['client_secret']]",
    });
  });
});
