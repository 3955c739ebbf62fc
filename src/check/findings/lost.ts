import type { DetectorContext, ApiChange, PolicyPair } from './types.js';
import type { Where } from './locator.js';

/** Where a policy that stopped being enforced is: its enabled flag, or the list it was removed from. */
export function whereLost(pair: PolicyPair, change: ApiChange, ctx: DetectorContext): Where | undefined {
  if (pair.after) return ctx.locate.policy(change.environment, change.api, pair.after, { field: 'enabled' });
  const before = pair.before;
  return before && ctx.locate.policyList(change.environment, change.api, before.origin);
}

/** `basic-auth "login"` */
export function policyLabel(policy: { type: string; name: string }): string {
  return `${policy.type} "${policy.name}"`;
}
