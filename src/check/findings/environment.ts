import type { EnvironmentManifest, PolicySpec } from '../../manifest/types.js';
import { effectiveApi } from '../../model/effective-api.js';
import type { EnvironmentState, PolicyInstance } from '../../model/types.js';
import { describeProfile } from '../../precedence/profiles.js';
import { orderViolations } from '../../precedence/validate-order.js';
import type { DetectorContext, FindingDraft } from './types.js';
import { flippedPairs, longestCommonSubsequence } from './sequence.js';

/** One environment at base and head (both exist). */
export interface EnvironmentChange {
  name: string;
  base: EnvironmentManifest;
  head: EnvironmentManifest;
  baseState: EnvironmentState;
  headState: EnvironmentState;
}

/** What of an environment decides where its automated policies run. */
function orderShape(env: EnvironmentManifest): string {
  return JSON.stringify([env.spec.precedence, env.spec.policies.map((p) => [p.name, p.type, p.order ?? null])]);
}

function environmentOrderChanged(base: EnvironmentManifest, head: EnvironmentManifest): boolean {
  return orderShape(base) !== orderShape(head);
}

/** How many Apis, and files with their owners, a message names before it says "and N more" (the finding's owners list them all). */
const NAMED_APIS = 5;
const NAMED_FILES = 6;

/**
 * Environment-level findings: a relaxed precedence profile, reordered
 * automated policies, and changes that move automated policies relative to
 * an Api's own policies or collide with them, naming the owners of both files.
 */
export function environmentFindings(change: EnvironmentChange, ctx: DetectorContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const { base, head } = change;
  if (base.spec.precedence === 'strict' && head.spec.precedence === 'cors-first') {
    out.push({
      code: 'TG_PRECEDENCE_RELAXED',
      message: `environment "${change.name}": precedence relaxed from strict to cors-first: spike control and rate limiting no longer have to run first in its ${change.headState.apis.length} Apis`,
      at: ctx.locate.environment(change.name, ['spec', 'precedence']),
    });
  }
  out.push(...automatedReorders(change, ctx));
  if (environmentOrderChanged(base, head)) out.push(...conflictsWithApis(change, ctx));
  return out;
}

function automatedReorders(change: EnvironmentChange, ctx: DetectorContext): FindingDraft[] {
  const headNames = change.head.spec.policies.map((p) => p.name);
  const common = new Set(headNames);
  const before = change.base.spec.policies.map((p) => p.name).filter((n) => common.has(n));
  const after = headNames.filter((n) => before.includes(n));
  if (before.join('\0') === after.join('\0')) return [];
  const kept = longestCommonSubsequence(before, after);
  const violations = orderViolations(change.head.spec.policies, change.head.spec.precedence);
  return after
    .filter((name) => !kept.has(name))
    .map((name) => {
      const index = headNames.indexOf(name);
      const policy = change.head.spec.policies[index] as PolicySpec;
      const allowed = !violations.some((v) => v.index === index || v.aboveIndex === index);
      return {
        code: allowed ? ('TG_CHAIN_REORDERED' as const) : ('TG_REORDER_FORBIDDEN' as const),
        message: `environment "${change.name}": automated ${policy.type} "${name}" moved from position ${before.indexOf(name) + 1} to ${after.indexOf(name) + 1} among the automated policies, in the chain of every Api deployed there; ${allowed ? `allowed by profile "${change.head.spec.precedence}"` : `not allowed: ${describeProfile(change.head.spec.precedence)}`}`,
        at: ctx.locate.environment(change.name, ['spec', 'policies', index]),
      };
    });
}

/** Per automated policy: the Apis it now runs after (or ahead of) API-level policies of, or collides with. */
interface Affected {
  policy: PolicyInstance | PolicySpec;
  nowAfter: Map<string, string[]>;
  nowAhead: Map<string, string[]>;
  collides: Map<string, string[]>;
}

function conflictsWithApis(change: EnvironmentChange, ctx: DetectorContext): FindingDraft[] {
  const affected = new Map<string, Affected>();
  const entry = (policy: PolicyInstance | PolicySpec) => {
    let a = affected.get(policy.name);
    if (!a) affected.set(policy.name, (a = { policy, nowAfter: new Map(), nowAhead: new Map(), collides: new Map() }));
    return a;
  };
  const add = (map: Map<string, string[]>, api: string, policy: string) =>
    map.set(api, [...(map.get(api) ?? []), policy]);

  const baseApis = new Map(change.baseState.apis.map((a) => [a.name, a]));
  for (const after of change.headState.apis) {
    const before = baseApis.get(after.name);
    if (!before) continue;
    const present = new Set(after.chain.map((p) => p.name));
    const beforeNames = before.chain.map((p) => p.name).filter((n) => present.has(n));
    const afterNames = after.chain.map((p) => p.name).filter((n) => beforeNames.includes(n));
    const byName = new Map(after.chain.map((p) => [p.name, p]));
    for (const [first, second] of flippedPairs(beforeNames, afterNames)) {
      const a = byName.get(first) as PolicyInstance;
      const b = byName.get(second) as PolicyInstance;
      if (a.origin === b.origin) continue;
      // `first` ran ahead of `second` at the base; now `second` runs first.
      if (a.origin === 'environment') add(entry(a).nowAfter, after.name, b.name);
      else add(entry(b).nowAhead, after.name, a.name);
    }
  }

  // A policy type the environment newly applies to every Api, which an Api applies itself.
  const baseTypes = new Set(change.base.spec.policies.map((p) => p.type));
  for (const policy of change.head.spec.policies) {
    if (baseTypes.has(policy.type) || policy.type === 'custom') continue;
    for (const api of change.headState.apis) {
      const manifest = ctx.locate.apiManifest(api.name);
      const own = manifest ? effectiveApi(manifest, change.name).policies.filter((p) => p.type === policy.type) : [];
      for (const p of own) add(entry(policy).collides, api.name, p.name);
    }
  }

  const profileChanged = change.base.spec.precedence !== change.head.spec.precedence;
  const cause = profileChanged
    ? ` (precedence changed from ${change.base.spec.precedence} to ${change.head.spec.precedence})`
    : '';
  const out: FindingDraft[] = [];
  for (const a of affected.values()) {
    const parts: string[] = [];
    if (a.nowAfter.size)
      parts.push(`now runs after API-level policies it ran ahead of${cause}: ${listApis(a.nowAfter)}`);
    if (a.nowAhead.size)
      parts.push(`now runs ahead of API-level policies that ran first${cause}: ${listApis(a.nowAhead)}`);
    if (a.collides.size)
      parts.push(
        `is newly applied to every Api, but these Apis apply ${a.policy.type} themselves (an automated type cannot also be applied at API level): ${listApis(a.collides)}`,
      );
    const apis = [...new Set([...a.nowAfter.keys(), ...a.nowAhead.keys(), ...a.collides.keys()])];
    const owners = ownersToAsk(change, apis, ctx);
    const index = change.head.spec.policies.findIndex((p) => p.name === a.policy.name);
    out.push({
      code: 'TG_ENV_POLICY_CONFLICT',
      message: `environment "${change.name}": automated ${a.policy.type} "${a.policy.name}" ${parts.join('; it ')}. ${describeOwners(owners, ctx)}`,
      at: ctx.locate.environment(change.name, index === -1 ? ['spec', 'policies'] : ['spec', 'policies', index]),
      owners,
    });
  }
  return out;
}

function listApis(byApi: Map<string, string[]>): string {
  const named = [...byApi.entries()]
    .slice(0, NAMED_APIS)
    .map(([api, policies]) => `${api} (${policies.map((p) => `"${p}"`).join(', ')})`);
  const more = byApi.size - NAMED_APIS;
  return named.join(', ') + (more > 0 ? ` and ${more} more Api${more === 1 ? '' : 's'}` : '');
}

/** The environment's file and each affected Api's file, with their owners. */
function ownersToAsk(
  change: EnvironmentChange,
  apis: readonly string[],
  ctx: DetectorContext,
): { file: string; owners: string[] }[] {
  const files = [change.head.source.file];
  for (const api of apis) {
    const file = ctx.locate.apiManifest(api)?.source.file;
    if (file !== undefined && !files.includes(file)) files.push(file);
  }
  return files.map((file) => ({ file, owners: ctx.owners?.(file) ?? [] }));
}

function describeOwners(owners: readonly { file: string; owners: string[] }[], ctx: DetectorContext): string {
  const named = owners.slice(0, NAMED_FILES);
  const more = owners.length - named.length;
  const rest = more > 0 ? ` and ${more} more file${more === 1 ? '' : 's'}` : '';
  if (!ctx.owners)
    return `Both sides have to agree: the owners of ${named.map((o) => o.file).join(', ')}${rest} (the repository has no CODEOWNERS).`;
  const shown = named.map((o) => `${o.file}: ${o.owners.length ? o.owners.join(' ') : 'no owner'}`);
  return `Both sides have to agree: ${shown.join('; ')}${rest}.`;
}
