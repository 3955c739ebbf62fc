import type { Limit } from '../../manifest/types.js';
import type { PolicyInstance } from '../../model/types.js';
import { describeWidening, wideningRanges } from './cidr.js';
import { enforcementLostFinding, howEnforcementLost, newlyScopedFinding } from './lost-enforcement.js';
import { policyLabel } from './policy-label.js';
import { active } from './policy-pairing.js';
import type { ApiChange, ApiDetector, DetectorContext, FindingDraft } from './types.js';
import { loosenedWindows, ratio, windowName } from './loosened-windows.js';

const LIMITING = new Set(['rate-limiting', 'spike-control', 'rate-limiting-sla']);

/**
 * Limits that let much more through: a limiting policy removed, disabled or
 * scoped by new rules; a window raised by the factor or more, or removed; a
 * whole-Api limit now counted per key; SLA tiers raised the same way.
 */
export const rateLimitFindings: ApiDetector = (change, ctx) => {
  const out: FindingDraft[] = [];
  for (const pair of change.pairs) {
    const subject = pair.before ?? pair.after;
    if (!subject || !LIMITING.has(subject.type)) continue;
    const lost = howEnforcementLost(pair);
    if (lost) {
      out.push(
        enforcementLostFinding({ pair, change, ctx }, 'TG_RATE_LIMIT_LOOSENED', lost, ': its limits no longer apply'),
      );
      continue;
    }
    if (!active(pair.before) || !active(pair.after)) continue;
    const after = pair.after;
    const scoped = newlyScopedFinding(
      { pair, change, ctx },
      'TG_RATE_LIMIT_LOOSENED',
      'limits only the requests they match',
    );
    if (scoped) out.push(scoped);
    if (after.type === 'rate-limiting') out.push(...rateLimitingChanges(change, ctx, pair.before, after));
    if (after.type === 'spike-control') out.push(...spikeControlChanges(change, ctx, pair.before, after));
    if (after.type === 'rate-limiting-sla') out.push(...slaTierChanges(change, ctx, after));
  }
  return out;
};

function rateLimitingChanges(
  change: ApiChange,
  ctx: DetectorContext,
  before: PolicyInstance,
  after: PolicyInstance,
): FindingDraft[] {
  const out: FindingDraft[] = [];
  const limits = (p: PolicyInstance) => p.config.rateLimits as Limit[];
  for (const w of loosenedWindows(limits(before), limits(after), ctx.rateLimitFactor)) {
    out.push({
      code: 'TG_RATE_LIMIT_LOOSENED',
      message: `Api "${change.api}": ${policyLabel(after)} ${w.message}`,
      at: ctx.locate.policy(change.environment, change.api, after, {
        config: w.index === undefined ? ['rateLimits'] : ['rateLimits', w.index, 'maximumRequests'],
      }),
    });
  }
  const selector = (p: PolicyInstance) => {
    const s = p.config.keySelector as string | { source?: string; trustedProxies?: string[] } | undefined;
    return typeof s === 'string' ? { source: 'key expression' } : (s ?? {});
  };
  const source = (p: PolicyInstance) => selector(p).source ?? 'api';
  if (source(before) === 'api' && source(after) !== 'api') {
    out.push({
      code: 'TG_RATE_LIMIT_LOOSENED',
      message: `Api "${change.api}": ${policyLabel(after)} now counts per ${source(after)} instead of once for the whole Api: every ${source(after)} gets the full limit`,
      at: ctx.locate.policy(change.environment, change.api, after, { config: ['keySelector'] }),
    });
  }
  for (const w of wideningRanges(
    (selector(before) as { trustedProxies?: string[] }).trustedProxies ?? [],
    (selector(after) as { trustedProxies?: string[] }).trustedProxies ?? [],
  )) {
    out.push({
      code: 'TG_RATE_LIMIT_LOOSENED',
      message: `Api "${change.api}": ${policyLabel(after)} trusts the client-address header from more peers: ${describeWidening(w)}, and any of them can claim a new address, each with a full limit`,
      at: ctx.locate.policy(change.environment, change.api, after, {
        config: ['keySelector', 'trustedProxies', w.index],
      }),
    });
  }
  return out;
}

function spikeControlChanges(
  change: ApiChange,
  ctx: DetectorContext,
  before: PolicyInstance,
  after: PolicyInstance,
): FindingDraft[] {
  const rate = (p: PolicyInstance) =>
    (p.config.maximumRequests as number) / (p.config.timePeriodInMilliseconds as number);
  const factor = rate(after) / rate(before);
  if (factor < ctx.rateLimitFactor) return [];
  const describe = (p: PolicyInstance) =>
    `${p.config.maximumRequests as number} per ${windowName(p.config.timePeriodInMilliseconds as number)}`;
  return [
    {
      code: 'TG_RATE_LIMIT_LOOSENED',
      message: `Api "${change.api}": ${policyLabel(after)} raised from ${describe(before)} to ${describe(after)} (${ratio(factor)}×)`,
      at: ctx.locate.policy(change.environment, change.api, after, { config: ['maximumRequests'] }),
    },
  ];
}

/** The SLA tiers the policy enforces, tier by tier. */
function slaTierChanges(change: ApiChange, ctx: DetectorContext, after: PolicyInstance): FindingDraft[] {
  const out: FindingDraft[] = [];
  const beforeTiers = new Map(change.before.slaTiers.map((t) => [t.name, t]));
  for (const tier of change.after.slaTiers) {
    const old = beforeTiers.get(tier.name);
    if (!old) continue;
    for (const w of loosenedWindows(old.limits, tier.limits, ctx.rateLimitFactor)) {
      out.push({
        code: 'TG_RATE_LIMIT_LOOSENED',
        message: `Api "${change.api}": SLA tier "${tier.name}" (enforced by ${policyLabel(after)}) ${w.message}`,
        at: ctx.locate.slaTier(change.environment, change.api, tier.name, w.index),
      });
    }
  }
  return out;
}
