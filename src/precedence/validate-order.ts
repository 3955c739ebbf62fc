import type { PolicySpec, PrecedenceProfile } from '../manifest/types.js';
import { FIXED_HEAD, describeProfile, fixedRank } from './profiles.js';

export interface OrderViolation {
  /** Index of the policy that stands too low. */
  index: number;
  /** Index of the policy placed above it that may not be. */
  aboveIndex: number;
  message: string;
}

/**
 * Checks one declared policy list against a profile: the fixed classes must
 * lead it, in their fixed order. Reports each policy that stands too low.
 */
export function orderViolations(policies: readonly PolicySpec[], profile: PrecedenceProfile): OrderViolation[] {
  const violations: OrderViolation[] = [];
  // The highest-ranked entry seen so far (free policies rank after every fixed one).
  let highest: { rank: number; index: number } | undefined;
  const free = FIXED_HEAD[profile].length;
  policies.forEach((policy, index) => {
    const rank = fixedRank(policy.type, profile) ?? free;
    if (highest && rank < highest.rank) {
      const above = policies[highest.index] as PolicySpec;
      violations.push({
        index,
        aboveIndex: highest.index,
        message:
          `"${policy.name}" (${policy.type}) is listed after "${above.name}" (${above.type}): ${describeProfile(profile)}. ` +
          `Expected order: ${expectedOrder(policies, profile).join(' → ')}`,
      });
    }
    if (!highest || rank > highest.rank) highest = { rank, index };
  });
  return violations;
}

/** The same list with the fixed classes moved to the head: what the user should write. */
export function expectedOrder(policies: readonly PolicySpec[], profile: PrecedenceProfile): string[] {
  const free = FIXED_HEAD[profile].length;
  return policies
    .map((p, i) => ({ p, i, rank: fixedRank(p.type, profile) ?? free }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ p }) => p.name);
}
