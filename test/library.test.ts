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
    expect(tollgate.diffStates(production, production)).toEqual([]);
    const changes = tollgate.diffStates(sandbox, production);
    expect(changes.length).toBeGreaterThan(0);
    expect(tollgate.computePlan(production, undefined, { prune: true }).plan.changes.filter((c) => c.kind === 'create-api')).toHaveLength(production.apis.length);
  });
});
