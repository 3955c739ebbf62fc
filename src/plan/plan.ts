import type { ApiState, EnvironmentState, PolicyInstance } from '../model/types.js';
import type { StateChange } from '../gateway/state/apply-changes.js';
import type { PrecedenceProfile } from '../manifest/types.js';
import { isFrozenDeep } from '../model/immutable.js';
import { orderViolations, type OrderViolation } from '../precedence/validate-order.js';
import { comparableState } from '../secrets/comparable.js';
import { withCertificates } from '../model/certificates.js';
import { diffStates } from './diff.js';
import { isDeletion, type Change, type Plan } from './types.js';

export interface PlanOptions {
  /** Delete APIs, policies and applications the manifests no longer have. */
  prune: boolean;
  /** With prune: allow a plan that deletes every API (an empty desired set). */
  allowEmpty?: boolean;
  /** The node's secret check key: values are compared with the secrets it stores through it. */
  secretCheckKey?: string;
}

export interface PlannedState {
  plan: Plan;
  /** The state the gateway will hold once the plan is applied. */
  target: EnvironmentState;
}

/** The plan from `live` to `desired`; without prune, what only the gateway has is kept. */
export function computePlan(desired: EnvironmentState, live: EnvironmentState | undefined, options: PlanOptions): PlannedState {
  const target = options.prune || !live ? desired : keepUnmanaged(desired, live);
  const key = options.secretCheckKey;
  const comparableLive = live && comparableState(live, key);
  const changes = diffStates(comparableState(target, key), comparableLive);
  const skipped = options.prune ? [] : diffStates(comparableState(desired, key), comparableLive).filter(isDeletion);
  const errors: string[] = [];
  if (options.prune && !options.allowEmpty && desired.apis.length === 0 && (live?.apis.length ?? 0) > 0) {
    errors.push(`the manifests deploy no API to environment "${desired.environment.name}": pruning would delete all ${live?.apis.length} APIs of the gateway; pass --allow-empty if that is what you want`);
  }
  for (const api of target.apis) {
    for (const v of chainOrderViolations(api.chain, target.environment.precedence)) {
      errors.push(`Api "${api.name}": ${v.message}${options.prune ? '' : ' (a policy kept because --prune was not given may be the cause)'}`);
    }
  }
  return { plan: { environment: desired.environment.name, changes, skipped, errors }, target };
}

/** Order checks of frozen chains, which the desired states of later revisions share. */
const checkedChains = new WeakMap<readonly PolicyInstance[], { profile: PrecedenceProfile; violations: OrderViolation[] }>();

function chainOrderViolations(chain: readonly PolicyInstance[], profile: PrecedenceProfile): OrderViolation[] {
  const known = checkedChains.get(chain);
  if (known?.profile === profile) return known.violations;
  const violations = orderViolations(chain, profile);
  if (isFrozenDeep(chain)) checkedChains.set(chain, { profile, violations });
  return violations;
}

/** The desired state plus what only the gateway has: APIs, applications and policies (kept after their live predecessor). */
function keepUnmanaged(desired: EnvironmentState, live: EnvironmentState): EnvironmentState {
  const desiredApis = new Map(desired.apis.map((a) => [a.name, a]));
  const liveApis = new Map(live.apis.map((a) => [a.name, a]));
  const apis: ApiState[] = desired.apis.map((api) => {
    const before = liveApis.get(api.name);
    return before ? { ...api, chain: mergeChains(api.chain, before.chain) } : api;
  });
  for (const api of live.apis) if (!desiredApis.has(api.name)) apis.push(api);
  const desiredApps = new Set(desired.applications.map((a) => a.name));
  const applications = [...desired.applications, ...live.applications.filter((a) => !desiredApps.has(a.name))];
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const desiredCerts = new Set((desired.certificates ?? []).map((c) => c.name));
  const certificates = [...(desired.certificates ?? []), ...(live.certificates ?? []).filter((c) => !desiredCerts.has(c.name))].sort(byName);
  return withCertificates({ environment: desired.environment, apis: apis.sort(byName), applications: applications.sort(byName) }, desired, certificates);
}

function mergeChains(desired: readonly PolicyInstance[], live: readonly PolicyInstance[]): PolicyInstance[] {
  const chain = [...desired];
  const names = new Set(desired.map((p) => p.name));
  live.forEach((policy, i) => {
    if (names.has(policy.name)) return;
    const predecessor = live.slice(0, i).reverse().find((p) => chain.some((c) => c.name === p.name));
    const at = predecessor ? chain.findIndex((c) => c.name === predecessor.name) + 1 : 0;
    chain.splice(at, 0, policy);
    names.add(policy.name);
  });
  return chain;
}

/** The transaction that carries a plan out: whole objects of the target state for everything the plan touches. */
export function transactionChanges(changes: readonly Change[], target: EnvironmentState): StateChange[] {
  const out: StateChange[] = [];
  const apis = new Map(target.apis.map((a) => [a.name, a]));
  const apps = new Map(target.applications.map((a) => [a.name, a]));
  const putApis = new Set<string>();
  const putApps = new Set<string>();
  for (const change of changes) {
    switch (change.kind) {
      case 'update-environment':
        out.push({ op: 'set-environment', environment: target.environment });
        break;
      case 'delete-api':
        out.push({ op: 'delete-api', name: change.api });
        break;
      case 'delete-application':
        out.push({ op: 'delete-application', name: change.application });
        break;
      case 'create-application':
      case 'update-application':
        putApps.add(change.application);
        break;
      case 'create-certificate':
      case 'update-certificate':
        out.push({ op: 'put-certificate', certificate: target.certificates!.find((c) => c.name === change.certificate)! });
        break;
      case 'delete-certificate':
        out.push({ op: 'delete-certificate', name: change.certificate });
        break;
      default:
        putApis.add(change.api);
    }
  }
  for (const name of [...putApis].sort()) out.push({ op: 'put-api', api: apis.get(name) as ApiState });
  for (const name of [...putApps].sort()) out.push({ op: 'put-application', application: apps.get(name)! });
  return out;
}

export function summarize(changes: readonly Change[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of changes) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  return counts;
}
