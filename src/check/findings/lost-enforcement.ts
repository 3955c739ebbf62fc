import type { DetectorContext, ApiChange, PolicyPair } from './types.js';
import { active } from './policy-pairing.js';
import type { Where } from './locator.js';

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
