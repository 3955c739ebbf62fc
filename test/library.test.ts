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
    expect(tollgate.computePlan(production, undefined, { prune: true }).plan.changes.filter((c) => c.kind === 'create-api')).toHaveLength(production.apis.length);
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
    const orders = (await tollgate.validatePaths([path.join(ROOT, 'examples/quickstart')])).manifests.apis.find((a) => a.name === 'orders');
    expect(orders?.spec.policies.find((p) => p.type === 'client-id-enforcement')?.config).toEqual({ credentialsOriginHasHttpBasicAuthenticationHeader: 'customExpression', clientIdExpression: "#[attributes.headers['client_id']]", clientSecretExpression: "#[attributes.headers['client_secret']]" });
  });
});
