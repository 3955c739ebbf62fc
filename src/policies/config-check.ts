import type { ErrorObject } from 'ajv';
import { policyConfigValidator } from '../manifest/schemas.js';
import type { PolicyType } from '../manifest/types.js';
import { policyModule } from './catalog.js';
import type { ConfigProblem } from './sdk/index.js';

export interface PolicyConfigCheck {
  /** Errors against schemas/policies/<type>.json; when there are any, the module's own checks did not run. */
  schemaErrors: ErrorObject[];
  /** The module's semantic checks, run on the schema-valid config with its defaults filled. */
  problems: ConfigProblem[];
}

/** The config against its type's JSON Schema, defaults filled in place; `if` errors only repeat their `then`. */
export function policyConfigSchemaErrors(type: PolicyType, config: unknown): ErrorObject[] {
  const validate = policyConfigValidator(type);
  if (validate(config)) return [];
  return (validate.errors ?? []).filter((e) => e.keyword !== 'if');
}

/**
 * The one check of a policy config, shared by `validate` (manifests) and the
 * gateway (transactions), so that both accept the same configs: the schema
 * first, then the module's check() — only on a config the schema accepted,
 * which is all a check() may assume.
 */
export function checkPolicyConfig(type: PolicyType, config: unknown): PolicyConfigCheck {
  const schemaErrors = policyConfigSchemaErrors(type, config);
  if (schemaErrors.length) return { schemaErrors, problems: [] };
  return { schemaErrors, problems: policyModule(type).check?.(config as Record<string, unknown>) ?? [] };
}
