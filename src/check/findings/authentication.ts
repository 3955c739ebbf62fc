import type { PolicyInstance } from '../../model/types.js';
import { policyModule } from '../../policies/catalog.js';
import { enforcementLostFinding, howEnforcementLost, newlyScopedFinding } from './lost-enforcement.js';
import { policyLabel } from './policy-label.js';
import { active } from './policy-pairing.js';
import type { ApiDetector, FindingDraft } from './types.js';

/** Policies that decide who may call: authentication and client-id enforcement. */
function authenticates(policy: PolicyInstance): boolean {
  const provides = policyModule(policy.type).provides;
  return provides.includes('requires-authentication') || provides.includes('client-id-required');
}

/** Whether a client-id policy checks the client secret: Basic credentials carry it; an empty clientSecretExpression reads none. */
function readsSecret(policy: PolicyInstance | undefined): boolean {
  if (policy === undefined) return false;
  return (
    policy.config.credentialsOriginHasHttpBasicAuthenticationHeader === 'httpBasicAuthenticationHeader' ||
    policy.config.clientSecretExpression !== ''
  );
}

/**
 * An authentication or client-id policy removed or disabled (an error when
 * nothing authenticates any more), scoped by new rules, or made to accept a
 * client id without its secret.
 */
export const authenticationFindings: ApiDetector = (change, ctx) => {
  const out: FindingDraft[] = [];
  const remaining = change.after.chain.filter((p) => active(p) && authenticates(p));
  for (const pair of change.pairs) {
    const subject = pair.before ?? pair.after;
    if (!subject || !authenticates(subject)) continue;
    const lost = howEnforcementLost(pair);
    if (lost) {
      const others = remaining.filter((p) => p.name !== pair.after?.name);
      out.push(
        others.length === 0
          ? enforcementLostFinding(
              { pair, change, ctx },
              'TG_AUTH_REMOVED',
              lost,
              ', and no enabled policy authenticates callers any more: the Api is open to anyone',
            )
          : enforcementLostFinding(
              { pair, change, ctx },
              'TG_AUTH_WEAKENED',
              lost,
              `; callers are still checked by ${others.map(policyLabel).join(', ')}`,
            ),
      );
      continue;
    }
    const after = pair.after as PolicyInstance;
    const scoped = newlyScopedFinding(
      { pair, change, ctx },
      'TG_AUTH_WEAKENED',
      'checks only the requests they match; every other request is let through unauthenticated',
    );
    if (scoped) out.push(scoped);
    if (after.type === 'client-id-enforcement' && readsSecret(pair.before) && !readsSecret(after) && active(after)) {
      out.push({
        code: 'TG_AUTH_WEAKENED',
        message: `Api "${change.api}": ${policyLabel(after)} no longer requires the client secret: a client id alone, which is not a secret, gets in`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: ['clientSecretExpression'] }),
      });
    }
  }
  return out;
};
