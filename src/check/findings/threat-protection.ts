import type { PolicyInstance } from '../../model/types.js';
import { JSON_LIMITS } from '../../policies/json-threat-protection/json-limits-scanner.js';
import { XML_LIMITS } from '../../policies/xml-threat-protection/xml-limits-scanner.js';
import { enforcementLostFinding, howEnforcementLost, newlyScopedFinding } from './lost-enforcement.js';
import { policyLabel } from './policy-label.js';
import { active } from './policy-pairing.js';
import type { ApiDetector, FindingDraft } from './types.js';

/** The limits of each threat-protection policy, and the value that means "unlimited". */
const LIMITS: Record<string, { fields: readonly string[]; unlimited: number | undefined }> = {
  'json-threat-protection': { fields: JSON_LIMITS, unlimited: -1 },
  'xml-threat-protection': { fields: XML_LIMITS, unlimited: -1 },
};

/** Threat protection removed, disabled or scoped by new rules, or a limit raised or made unlimited. */
export const threatProtectionFindings: ApiDetector = (change, ctx) => {
  const out: FindingDraft[] = [];
  for (const pair of change.pairs) {
    const subject = pair.before ?? pair.after;
    const limits = subject && LIMITS[subject.type];
    if (!subject || !limits) continue;
    const lost = howEnforcementLost(pair);
    if (lost) {
      out.push(
        enforcementLostFinding(
          { pair, change, ctx },
          'TG_THREAT_PROTECTION_LOOSENED',
          lost,
          ': request bodies are no longer checked',
        ),
      );
      continue;
    }
    if (!active(pair.before) || !active(pair.after)) continue;
    const after = pair.after;
    const scoped = newlyScopedFinding(
      { pair, change, ctx },
      'TG_THREAT_PROTECTION_LOOSENED',
      'checks only the requests they match',
    );
    if (scoped) out.push(scoped);
    for (const field of limits.fields) {
      const was = limitOf(pair.before, field, limits.unlimited);
      const now = limitOf(after, field, limits.unlimited);
      if (was === undefined || (now !== undefined && now <= was)) continue;
      out.push({
        code: 'TG_THREAT_PROTECTION_LOOSENED',
        message: `Api "${change.api}": ${policyLabel(after)} ${field} ${now === undefined ? `is now unlimited (was ${was})` : `raised from ${was} to ${now}`}`,
        at: ctx.locate.policy(change.environment, change.api, after, { config: [field] }),
      });
    }
  }
  return out;
};

/** A limit's value, undefined when unlimited. */
function limitOf(policy: PolicyInstance, field: string, unlimited: number | undefined): number | undefined {
  const value = policy.config[field];
  return typeof value === 'number' && value !== unlimited ? value : undefined;
}
