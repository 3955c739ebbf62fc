import type { PolicyInstance } from '../../model/types.js';
import { describeWidening as describe, wideningRanges } from './cidr.js';
import { enforcementLostFinding, howEnforcementLost, newlyScopedFinding } from './lost-enforcement.js';
import { policyLabel } from './policy-label.js';
import { active } from './policy-pairing.js';
import type { ApiDetector, FindingDraft } from './types.js';

const ips = (policy: PolicyInstance | undefined, field: 'ips' | 'trustedProxies'): string[] =>
  (policy?.config[field] as string[] | undefined) ?? [];

/**
 * An IP allowlist removed, disabled or opened to every address (errors), a new
 * range that contains a former one or is very broad, new rules, or trusted
 * proxies widened the same way (warnings).
 */
export const ipAllowlistFindings: ApiDetector = (change, ctx) => {
  const out: FindingDraft[] = [];
  for (const pair of change.pairs) {
    const subject = pair.before ?? pair.after;
    if (subject?.type !== 'ip-allowlist') continue;
    const lost = howEnforcementLost(pair);
    if (lost) {
      const others = change.after.chain.filter(
        (p) => active(p) && p.type === 'ip-allowlist' && p.name !== pair.after?.name,
      );
      out.push(
        others.length === 0
          ? enforcementLostFinding(
              { pair, change, ctx },
              'TG_IP_ALLOWLIST_OPENED',
              lost,
              ': every client address is admitted',
            )
          : enforcementLostFinding(
              { pair, change, ctx },
              'TG_IP_ALLOWLIST_WIDENED',
              lost,
              `; ${others.map(policyLabel).join(', ')} still filters`,
            ),
      );
      continue;
    }
    if (!active(pair.before) || !active(pair.after)) continue;
    const after = pair.after;
    for (const w of wideningRanges(ips(pair.before, 'ips'), ips(after, 'ips'))) {
      out.push({
        code: w.kind === 'every' ? 'TG_IP_ALLOWLIST_OPENED' : 'TG_IP_ALLOWLIST_WIDENED',
        message: `Api "${change.api}": ${policyLabel(after)} widened: ${describe(w)}`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: ['ips', w.index] }),
      });
    }
    for (const w of wideningRanges(ips(pair.before, 'trustedProxies'), ips(after, 'trustedProxies'))) {
      out.push({
        code: 'TG_IP_ALLOWLIST_WIDENED',
        message: `Api "${change.api}": ${policyLabel(after)} trusts the client-address header from more peers: ${describe(w)}, and any of them can claim an allowed address`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: ['trustedProxies', w.index] }),
      });
    }
    const scoped = newlyScopedFinding(
      { pair, change, ctx },
      'TG_IP_ALLOWLIST_WIDENED',
      'filters only the requests they match',
    );
    if (scoped) out.push(scoped);
  }
  return out;
};
