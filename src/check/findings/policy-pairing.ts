import { policyConfigValidator } from '../../manifest/schemas.js';
import type { PolicyInstance } from '../../model/types.js';
import type { PolicyPair } from './types.js';

/**
 * The policy with its schema defaults filled in (on a copy), as the gateway
 * compiles it: a policy written without `config` carries {} in the desired
 * state, and an omitted field means its default (CORS publicResource: true).
 */
export function withDefaults(policy: PolicyInstance): PolicyInstance {
  const config = structuredClone(policy.config);
  policyConfigValidator(policy.type)(config);
  return { ...policy, config };
}

/**
 * Pairs the policies of two chains by name (with their defaults). A policy
 * removed and another of the same type added are the same policy renamed:
 * compared, not reported as a removal.
 */
export function pairPolicies(
  beforeChain: readonly PolicyInstance[],
  afterChain: readonly PolicyInstance[],
): PolicyPair[] {
  const before = beforeChain.map(withDefaults);
  const after = afterChain.map(withDefaults);
  const afterByName = new Map(after.map((p) => [p.name, p]));
  const beforeNames = new Set(before.map((p) => p.name));
  const pairs: PolicyPair[] = [];
  const removed: PolicyInstance[] = [];
  for (const policy of before) {
    const match = afterByName.get(policy.name);
    if (match) pairs.push({ before: policy, after: match });
    else removed.push(policy);
  }
  const added = after.filter((p) => !beforeNames.has(p.name));
  for (const policy of removed) {
    const index = added.findIndex((p) => p.type === policy.type && p.origin === policy.origin);
    if (index === -1) pairs.push({ before: policy });
    else pairs.push({ before: policy, after: added.splice(index, 1)[0] as PolicyInstance });
  }
  for (const policy of added) pairs.push({ after: policy });
  return pairs;
}

/** Present and enabled: the policy is enforced. */
export function active(policy: PolicyInstance | undefined): policy is PolicyInstance {
  return policy !== undefined && policy.enabled;
}

/** Rules added to a policy that had none: it now applies to some requests only. */
export function newlyScoped(pair: PolicyPair): boolean {
  return active(pair.before) && active(pair.after) && !pair.before.rules && pair.after.rules !== undefined;
}
