import type { PrecedenceProfile } from '../manifest/types.js';
import { policyModule } from '../policies/catalog.js';
import type { PrecedenceClass } from '../policies/sdk/index.js';
import type { PolicyType } from '../manifest/types.js';

/** The classes each profile pins to the head of every chain, in their fixed order. */
export const FIXED_HEAD: Record<PrecedenceProfile, readonly PrecedenceClass[]> = {
  strict: ['cors', 'spike-control', 'rate-limiting'],
  'cors-first': ['cors'],
};

/** Position of a policy type in the profile's fixed head, or undefined when it is free to move. */
export function fixedRank(type: PolicyType, profile: PrecedenceProfile): number | undefined {
  const rank = FIXED_HEAD[profile].indexOf(policyModule(type).precedence);
  return rank === -1 ? undefined : rank;
}

export function describeProfile(profile: PrecedenceProfile): string {
  return profile === 'strict'
    ? 'profile "strict" fixes the head of every chain to cors → spike-control → rate-limiting, and nothing may be placed above them'
    : 'profile "cors-first" fixes cors first, and nothing may be placed above it';
}
