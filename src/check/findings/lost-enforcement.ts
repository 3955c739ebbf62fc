import type { PolicyInstance } from '../../model/types.js';
import type { Where } from './locator.js';
import { policyLabel } from './policy-label.js';
import { active, newlyScoped } from './policy-pairing.js';
import type { ApiChange, DetectorContext, FindingDraft, PolicyPair } from './types.js';

/** A pair of policies (base and head) in the change of one Api, as a detector sees it. */
export interface PairInChange {
  pair: PolicyPair;
  change: ApiChange;
  ctx: DetectorContext;
}

/** Where a policy that stopped being enforced is: its enabled flag, or the list it was removed from. */
export function whereEnforcementLost(pair: PolicyPair, change: ApiChange, ctx: DetectorContext): Where | undefined {
  if (pair.after) return ctx.locate.policy(change.environment, change.api, pair.after, { field: 'enabled' });
  const before = pair.before;
  return before && ctx.locate.policyList(change.environment, change.api, before.origin);
}

/** Was enforced at the base and is not at the head: how (removed or disabled). */
export function howEnforcementLost(pair: PolicyPair): 'removed' | 'disabled' | undefined {
  if (!active(pair.before)) return undefined;
  if (!pair.after) return 'removed';
  return pair.after.enabled ? undefined : 'disabled';
}

/**
 * The finding of a policy that stopped being enforced, at its enabled flag or
 * its list: `Api "orders": rate-limiting "limit" was removed` and `consequence`
 * (which starts with its own separator: ": its limits no longer apply").
 */
export function enforcementLostFinding(
  { pair, change, ctx }: PairInChange,
  code: FindingDraft['code'],
  lost: 'removed' | 'disabled',
  consequence: string,
): FindingDraft {
  const subject = (pair.before ?? pair.after) as PolicyInstance;
  return {
    code,
    message: `Api "${change.api}": ${policyLabel(subject)} was ${lost}${consequence}`,
    at: whereEnforcementLost(pair, change, ctx),
  };
}

/**
 * The finding of a policy that had no rules and has some now, at its rules:
 * `Api "orders": rate-limiting "limit" now has rules and <consequence>`.
 */
export function newlyScopedFinding(
  { pair, change, ctx }: PairInChange,
  code: FindingDraft['code'],
  consequence: string,
): FindingDraft | undefined {
  if (!newlyScoped(pair)) return undefined;
  const after = pair.after as PolicyInstance;
  return {
    code,
    message: `Api "${change.api}": ${policyLabel(after)} now has rules and ${consequence}`,
    at: ctx.locate.policy(change.environment, change.api, after, { field: 'rules' }),
  };
}
