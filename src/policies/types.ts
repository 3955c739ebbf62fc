import type { PolicyType } from '../manifest/types.js';
import type { Characteristic } from './characteristics.js';
import type { PolicyFactory } from '../gateway/chain/types.js';
import type { CredentialsConfig } from './client-id-enforcement/index.js';

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
}

/** One policy type. Its config schema is schemas/policies/<type>.json. */
export interface PolicyModule<Config = Record<string, unknown>> {
  type: PolicyType;
  summary: string;
  precedence: PrecedenceClass;
  provides: readonly Characteristic[];
  requires: readonly Characteristic[];
  /** Config fields that hold secrets: never printed, hashed by the gateway, compared by digest. */
  secretFields: readonly string[];
  /** Config arrays whose order means nothing (dotted paths, `*` = every item): sorted before diffing. */
  unordered: readonly string[];
  /** Whether the policy's rules scope it (default: yes); message-logging with conditional: false logs every request. */
  scopedByRules?(config: Config): boolean;
  /** For policies that identify client applications: where the chain's clients present their credentials. */
  clientCredentials?(config: Config): CredentialsConfig;
  /** Semantic checks the schema cannot express; config has its defaults filled. */
  check?(config: Config): ConfigProblem[];
  /** Compiles the config into request/response handlers, once per reload. */
  create: PolicyFactory<Config>;
}
