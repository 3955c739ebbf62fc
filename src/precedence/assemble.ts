import type { PolicySpec, PrecedenceProfile } from '../manifest/types.js';
import { fixedRank } from './profiles.js';

export interface ChainEntry {
  policy: PolicySpec;
  origin: 'environment' | 'api';
  /** Index in the list it was declared in (environment or Api policies). */
  index: number;
}

/**
 * Execution order of one Api's chain in one environment: the profile's fixed
 * classes first (in their fixed order), then automated (environment) policies,
 * then the Api's policies as listed, then custom policies without `order: listed`.
 * Declared orders that break the fixed head are rejected by the order validator,
 * never repaired here.
 */
export function assembleChain(
  environmentPolicies: readonly PolicySpec[],
  apiPolicies: readonly PolicySpec[],
  profile: PrecedenceProfile,
): ChainEntry[] {
  const declared: ChainEntry[] = [
    ...environmentPolicies.map((policy, index) => ({ policy, origin: 'environment' as const, index })),
    ...apiPolicies.map((policy, index) => ({ policy, origin: 'api' as const, index })),
  ];
  const group = (e: ChainEntry): number => {
    const rank = fixedRank(e.policy.type, profile);
    if (rank !== undefined) return rank;
    const base = 10;
    if (e.policy.type === 'custom' && e.policy.order !== 'listed') return base + 2;
    return base + (e.origin === 'environment' ? 0 : 1);
  };
  // Array.prototype.sort is stable: equal groups keep their declared order.
  return declared
    .map((e) => ({ e, g: group(e) }))
    .sort((a, b) => a.g - b.g)
    .map(({ e }) => e);
}
