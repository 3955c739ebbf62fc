import type { PolicySpec } from '../../manifest/types.js';
import { describeProfile } from '../../precedence/profiles.js';
import { orderViolations } from '../../precedence/validate-order.js';
import { longestCommonSubsequence } from './sequence.js';
import type { ApiDetector, FindingDraft } from './types.js';

/**
 * An Api whose own policies are declared in a new order: for each policy that
 * moved, where from and to, and whether the environment's profile allows the
 * new order (the chain compiler sorts the fixed head, so a forbidden order may
 * not even change the executed chain: it is refused all the same). Automated
 * policies moving are reported for the environment (environment.ts).
 */
export const reorderFindings: ApiDetector = (change, ctx) => {
  // Renamed policies keep their identity: compare by the head's name.
  const renamed = new Map(change.pairs.filter((p) => p.before && p.after).map((p) => [p.before!.name, p.after!.name]));
  const before = change.declaredBefore.map((p) => renamed.get(p.name)).filter((n): n is string => n !== undefined);
  const common = new Set(before);
  const headNames = change.declaredAfter.map((p) => p.name);
  const after = headNames.filter((n) => common.has(n));
  if (before.join('\0') === after.join('\0')) return [];
  const kept = longestCommonSubsequence(before, after);
  const violations = orderViolations(change.declaredAfter, change.profile);
  const out: FindingDraft[] = [];
  for (const name of after) {
    if (kept.has(name)) continue;
    const index = headNames.indexOf(name);
    const policy = change.declaredAfter[index] as PolicySpec;
    const next = after[after.indexOf(name) + 1];
    const allowed = !violations.some((v) => v.index === index || v.aboveIndex === index);
    out.push({
      code: allowed ? 'TG_CHAIN_REORDERED' : 'TG_REORDER_FORBIDDEN',
      message:
        `Api "${change.api}": ${policy.type} "${name}" moved from position ${before.indexOf(name) + 1} to ${after.indexOf(name) + 1} of its policies (${next === undefined ? 'now last' : `now before "${next}"`}); ` +
        (allowed ? `allowed by profile "${change.profile}"` : `not allowed: ${describeProfile(change.profile)}`),
      at: ctx.locate.api(change.api, ['spec', 'policies', index]),
    });
  }
  return out;
};
