import type { PolicyInstance } from '../../model/types.js';
import { howEnforcementLost, whereEnforcementLost } from './lost-enforcement.js';
import { policyLabel } from './policy-label.js';
import { active, newlyScoped } from './policy-pairing.js';
import type { ApiDetector, FindingDraft } from './types.js';

/** The limits of each threat-protection policy, and the value that means "unlimited". */
const LIMITS: Record<string, { fields: readonly string[]; unlimited: number | undefined }> = {
  'json-threat-protection': {
    fields: [
      'maxContainerDepth',
      'maxObjectEntryCount',
      'maxObjectEntryNameLength',
      'maxArrayElementCount',
      'maxStringValueLength',
    ],
    unlimited: -1,
  },
  'xml-threat-protection': {
    fields: [
      'maxNodeDepth',
      'maxAttributeCountPerElement',
      'maxChildCount',
      'maxTextLength',
      'maxAttributeLength',
      'maxCommentLength',
    ],
    unlimited: -1,
  },
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
      out.push({
        code: 'TG_THREAT_PROTECTION_LOOSENED',
        message: `Api "${change.api}": ${policyLabel(subject)} was ${lost}: request bodies are no longer checked`,
        at: whereEnforcementLost(pair, change, ctx),
      });
      continue;
    }
    if (!active(pair.before) || !active(pair.after)) continue;
    const after = pair.after;
    if (newlyScoped(pair)) {
      out.push({
        code: 'TG_THREAT_PROTECTION_LOOSENED',
        message: `Api "${change.api}": ${policyLabel(after)} now has rules and checks only the requests they match`,
        at: ctx.locate.policy(change.environment, change.api, after, { field: 'rules' }),
      });
    }
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
