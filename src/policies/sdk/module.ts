import type { ErrorCode } from '../../errors/catalog.js';
import type { Characteristic } from '../characteristics.js';
import type { ClientCredentials } from './context.js';
import type { PolicyFactory } from './handlers.js';

/**
 * Where a policy may stand. The fixed classes lead the chain under the strict
 * profile (cors, spike-control, rate-limiting); under cors-first only cors does.
 */
export type PrecedenceClass = 'cors' | 'spike-control' | 'rate-limiting' | 'standard' | 'custom';

/** A problem found in a policy's config beyond what its JSON Schema can say. */
export interface ConfigProblem {
  /** Path inside the config, e.g. ['originGroups', 0, 'origins', 1]. */
  path: (string | number)[];
  message: string;
  /** The catalog code to report (default TG_POLICY_CONFIG); a code of warning severity makes it a warning. */
  code?: ErrorCode;
  /** Offset inside the string at `path` that the problem is about (an expression's bad token). */
  offset?: number;
}

/**
 * One policy type: everything the validator, the planner and the chain
 * compiler need, in one folder. Its JSON Schema is `schema` (written out to
 * schemas/policies/<type>.json by `npm run schemas`); Config is derived from it.
 */
export interface PolicyModule<Type extends string = string, Config = Record<string, unknown>> {
  type: Type;
  /** The JSON Schema (draft-07) of the config. */
  schema: Readonly<Record<string, unknown>>;
  summary: string;
  precedence: PrecedenceClass;
  provides: readonly Characteristic[];
  requires: readonly Characteristic[];
  /** Config fields that hold secrets: never printed, hashed by the gateway, compared by digest. */
  secretFields: readonly string[];
  /** Config arrays whose order means nothing (dotted paths, `*` = every item): sorted before diffing. */
  orderInsensitiveArrays: readonly string[];
  /** For policies that identify client applications: where the chain's clients present their credentials. */
  clientCredentials?(config: Config): ClientCredentials;
  /** Semantic checks the schema cannot express; config has its defaults filled. Shared by validate and the gateway. */
  check?(config: Config): ConfigProblem[];
  /** Compiles the config into request/response handlers, once per reload. */
  create: PolicyFactory<Config>;
}
