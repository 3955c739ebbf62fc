import type { ManifestSet } from '../manifest/types.js';
import type { EnvironmentState } from '../model/types.js';
import { environmentState } from '../model/normalize.js';
import { locate } from '../manifest/source.js';
import { runPolicyTest } from './run-test.js';
import type { PolicyTest, TestResult } from './types.js';

export interface PolicyTestOptions {
  /** Only this environment. */
  env?: string;
  /** Only this Api. */
  api?: string;
  /** Where ${env:NAME} references are resolved from (default: process.env). */
  variables?: NodeJS.ProcessEnv;
  /** Directory custom-policy modules are resolved against (default: cwd). */
  baseDir?: string;
  /** Desired states already computed from the same manifests, by environment (they are not changed). */
  states?: ReadonlyMap<string, EnvironmentState>;
}

/**
 * Runs the `tests:` of every Api (of validated manifests) in each environment
 * they apply to, one after the other: each test gets freshly compiled chains
 * and counters of its own, so tests never influence each other.
 */
export async function runPolicyTests(set: ManifestSet, options: PolicyTestOptions = {}): Promise<TestResult[]> {
  const run = { variables: options.variables ?? process.env, baseDir: options.baseDir ?? process.cwd() };
  const defined = new Set(set.environments.map((e) => e.name));
  const states = new Map<string, EnvironmentState>(options.states);
  const stateOf = (env: string): EnvironmentState => {
    let state = states.get(env);
    if (!state) states.set(env, (state = environmentState(set, env)));
    return state;
  };
  const results: TestResult[] = [];
  const apis = [...set.apis].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const api of apis) {
    if (options.api !== undefined && api.name !== options.api) continue;
    const tests = (api.spec.tests ?? []) as unknown as PolicyTest[];
    for (const [index, test] of tests.entries()) {
      if (test.environment !== undefined && !api.spec.environments.includes(test.environment)) {
        const at = ['spec', 'tests', index, 'environment'];
        results.push({
          api: api.name,
          test: test.name,
          environment: test.environment,
          outcome: 'invalid',
          where: locate(api.source, ['spec', 'tests', index, 'name']),
          index,
          problems: [
            {
              message: `Api "${api.name}" is not deployed to environment "${test.environment}" (deployed to: ${api.spec.environments.join(', ')})`,
              where: locate(api.source, at),
              path: `spec.tests[${index}].environment`,
            },
          ],
          requests: 0,
          durationMs: 0,
        });
        continue;
      }
      const environments = test.environment === undefined ? api.spec.environments : [test.environment];
      for (const environment of environments) {
        // An undefined environment is a validation error of its own.
        if (!defined.has(environment) || (options.env !== undefined && environment !== options.env)) continue;
        results.push(await runPolicyTest({ api, index, test, environment, state: stateOf(environment) }, run));
      }
    }
  }
  return results;
}
