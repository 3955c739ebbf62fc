import type { ErrorCode } from '../../errors/catalog.js';
import type { PolicySpec, PrecedenceProfile } from '../../manifest/types.js';
import type { ApiState, PolicyInstance } from '../../model/types.js';
import type { HeadLocator, Where } from './locator.js';

/** A policy of a chain at the base and at the head (matched by name, or by type when it was renamed). */
export interface PolicyPair {
  before?: PolicyInstance;
  after?: PolicyInstance;
}

/** One Api whose desired state differs between base and head in one environment. */
export interface ApiChange {
  environment: string;
  api: string;
  before: ApiState;
  after: ApiState;
  pairs: PolicyPair[];
  /** The Api's own policies as declared for this environment (overrides applied), at the base and at the head. */
  declaredBefore: readonly PolicySpec[];
  declaredAfter: readonly PolicySpec[];
  /** The head's precedence profile of the environment. */
  profile: PrecedenceProfile;
}

export interface FindingDraft {
  code: ErrorCode;
  message: string;
  at: Where | undefined;
  /** Files whose owners have to agree, with their owners. */
  owners?: { file: string; owners: string[] }[];
}

export interface DetectorContext {
  locate: HeadLocator;
  /** A limit raised by this factor or more is reported. */
  rateLimitFactor: number;
  /** Owners of a head file (named as in diagnostics) from CODEOWNERS; undefined when the repository has none. */
  owners: ((file: string) => string[]) | undefined;
}

/** Looks at one changed Api in one environment. */
export type ApiDetector = (change: ApiChange, ctx: DetectorContext) => FindingDraft[];
