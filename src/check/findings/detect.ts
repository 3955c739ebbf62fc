import { diagnostic } from '../../errors/diagnostic.js';
import type { ApiManifest } from '../../manifest/types.js';
import { effectiveApi } from '../../model/effective-api.js';
import type { Change } from '../../plan/types.js';
import type { Finding } from '../types.js';
import { authenticationFindings } from './authentication.js';
import { corsFindings } from './cors.js';
import { environmentFindings, type EnvironmentChange } from './environment.js';
import { ipAllowlistFindings } from './ip-allowlist.js';
import { pairPolicies } from './policy-pairing.js';
import { rateLimitFindings } from './rate-limits.js';
import { reorderFindings } from './reorders.js';
import { threatProtectionFindings } from './threat-protection.js';
import { newApiTlsFindings, tlsFindings, upstreamTlsFindings } from './tls.js';
import type { ApiDetector, DetectorContext, FindingDraft } from './types.js';

const API_DETECTORS: readonly ApiDetector[] = [
  reorderFindings,
  authenticationFindings,
  ipAllowlistFindings,
  rateLimitFindings,
  corsFindings,
  threatProtectionFindings,
  upstreamTlsFindings,
];

/** Apis the plan changes (other than creating or deleting them). */
function changedApis(changes: readonly Change[]): Set<string> {
  const names = new Set<string>();
  for (const c of changes) if ('api' in c && c.kind !== 'create-api' && c.kind !== 'delete-api') names.add(c.api);
  return names;
}

/**
 * Every finding of one environment that exists at both base and head: about
 * the Apis its plan changes, and those whose manifest changed without
 * changing the chain (a forbidden order is sorted back by the compiler).
 * `baseApis` are the base's Api manifests by name.
 */
export function environmentDrafts(
  change: EnvironmentChange,
  changes: readonly Change[],
  baseApis: ReadonlyMap<string, ApiManifest>,
  ctx: DetectorContext,
): FindingDraft[] {
  const drafts = [...environmentFindings(change, ctx), ...tlsFindings(change, ctx)];
  const planned = changedApis(changes);
  const before = new Map(change.baseState.apis.map((a) => [a.name, a]));
  for (const after of change.headState.apis) {
    const b = before.get(after.name);
    if (!b) drafts.push(...newApiTlsFindings(after, change.name, ctx));
    const baseManifest = baseApis.get(after.name);
    const headManifest = ctx.locate.apiManifest(after.name);
    if (!b || !baseManifest || !headManifest) continue;
    // Same manifest object: the file did not change; unless the plan changes the Api, nothing can be found.
    if (baseManifest === headManifest && !planned.has(after.name)) continue;
    const apiChange = {
      environment: change.name,
      api: after.name,
      before: b,
      after,
      pairs: pairPolicies(b.chain, after.chain),
      declaredBefore: effectiveApi(baseManifest, change.name).policies,
      declaredAfter: effectiveApi(headManifest, change.name).policies,
      profile: change.head.spec.precedence,
    };
    for (const detect of API_DETECTORS) drafts.push(...detect(apiChange, ctx));
  }
  return drafts;
}

/** Collects drafts of several environments: the same finding at the same place is one finding listing its environments. */
export class FindingCollector {
  private readonly byKey = new Map<string, Finding>();

  add(environment: string, drafts: readonly FindingDraft[]): void {
    for (const draft of drafts) {
      const where = draft.at?.position;
      const key = `${draft.code}\0${where?.file}\0${where?.line}\0${where?.col}\0${draft.message}`;
      const known = this.byKey.get(key);
      if (known) {
        known.environments?.push(environment);
        continue;
      }
      const finding: Finding = {
        ...diagnostic(draft.code, draft.message, where, draft.at?.path),
        environments: [environment],
      };
      if (draft.owners) finding.owners = draft.owners;
      this.byKey.set(key, finding);
    }
  }

  findings(): Finding[] {
    return [...this.byKey.values()];
  }
}
