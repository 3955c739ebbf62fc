import type { ErrorObject } from 'ajv';
import { policyConfigValidator, schemas } from '../../manifest/schemas.js';
import type { EnvironmentState } from '../../model/types.js';
import { orderViolations } from '../../precedence/validate-order.js';

const STATE_SCHEMA = 'https://tollgate.dev/schemas/state.json';

export interface StateProblem {
  path: string;
  message: string;
}

/**
 * The gateway validates every state it is sent, as the manifests were: schema,
 * policy configs (defaults filled in place), chain precedence, names and paths.
 */
export function checkState(candidate: unknown): { state?: EnvironmentState; problems: StateProblem[] } {
  const validate = schemas().ajv.getSchema(STATE_SCHEMA);
  if (!validate) throw new Error('state.json schema missing');
  if (!validate(candidate)) return { problems: (validate.errors ?? []).filter((e) => e.keyword !== 'if').map((e) => fromAjv(e)) };
  const state = candidate as EnvironmentState;
  const problems: StateProblem[] = [];
  const names = new Set<string>();
  const basePaths = new Map<string, string>();
  state.apis.forEach((api, a) => {
    if (names.has(api.name)) problems.push({ path: `/apis/${a}/name`, message: `Api "${api.name}" appears twice` });
    names.add(api.name);
    const clash = basePaths.get(api.basePath);
    if (clash) problems.push({ path: `/apis/${a}/basePath`, message: `Api "${api.name}" has the same base path as "${clash}"` });
    basePaths.set(api.basePath, api.name);
    api.chain.forEach((policy, p) => {
      const check = policyConfigValidator(policy.type);
      if (!check(policy.config)) {
        for (const e of check.errors ?? []) if (e.keyword !== 'if') problems.push(fromAjv(e, `/apis/${a}/chain/${p}/config`));
      }
    });
    for (const v of orderViolations(api.chain, state.environment.precedence)) {
      problems.push({ path: `/apis/${a}/chain/${v.index}`, message: `precedence: ${v.message}` });
    }
  });
  return problems.length ? { problems } : { state, problems };
}

function fromAjv(error: ErrorObject, prefix = ''): StateProblem {
  const extra = error.keyword === 'additionalProperties' ? ` "${String((error.params as { additionalProperty: string }).additionalProperty)}"` : '';
  return { path: prefix + error.instancePath, message: `${error.message ?? error.keyword}${extra}` };
}
