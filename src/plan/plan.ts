import type { ApiState, CertificateState, EnvironmentState, PolicyInstance } from '../model/types.js';
import { describeOwner } from '../model/ownership.js';
import type { StateChange } from '../gateway/state/apply-changes.js';
import type { PrecedenceProfile } from '../manifest/types.js';
import { isFrozenDeep } from '../model/immutable.js';
import { orderViolations, type OrderViolation } from '../precedence/validate-order.js';
import { comparableState } from '../secrets/comparable.js';
import { withCertificates } from '../model/certificates.js';
import { diffStates } from './diff.js';
import { isDeletion, type Change, type Plan } from './types.js';

export interface PlanOptions {
  /** Delete APIs, policies and applications the manifests no longer have (only those of this apply's owner). */
  prune: boolean;
  /** With prune: allow a plan that deletes every API of this owner (an empty desired set). */
  allowEmpty?: boolean;
  /** The node's secret check key: values are compared with the secrets it stores through it. */
  secretCheckKey?: string;
  /** This apply's owner mark: the canonical selector it applies with (the desired state carries it); undefined: no selector. */
  owner?: string;
  /** Take over objects the gateway holds under another owner, instead of refusing the plan. */
  adopt?: boolean;
  /** Whether this apply writes the environment settings (default true); false keeps the live ones (a selector that does not match the Environment). */
  ownsEnvironment?: boolean;
}

export interface PlannedState {
  plan: Plan;
  /** The state the gateway will hold once the plan is applied. */
  target: EnvironmentState;
}

interface Owned {
  name: string;
  owner?: string;
}

/**
 * The plan from `live` to `desired`. Every object of a state has one owner: the
 * selector whose apply created it, or none. An apply changes and prunes only
 * objects of its own owner: what belongs to another owner is kept as it is
 * and never shown as a deletion; a desired object whose name the gateway holds
 * under another owner is a conflict that refuses the plan, unless `adopt`
 * takes it over. Without prune, what only the gateway has is kept too.
 */
export function computePlan(
  desired: EnvironmentState,
  live: EnvironmentState | undefined,
  options: PlanOptions,
): PlannedState {
  const owner = options.owner;
  const errors: string[] = [];
  const split = live ? splitByOwner(desired, live, owner, options.adopt ?? false) : undefined;
  if (split) errors.push(...split.conflicts);
  const base = live && split ? withOthers(desired, live, split, options.ownsEnvironment ?? true) : desired;
  const target = options.prune || !live ? base : keepUnmanaged(base, live, split);
  const key = options.secretCheckKey;
  const comparableLive = live && comparableState(live, key);
  const changes = diffStates(comparableState(target, key), comparableLive);
  const skipped = options.prune ? [] : diffStates(comparableState(base, key), comparableLive).filter(isDeletion);
  const ownLiveApis = live ? live.apis.filter((a) => a.owner === owner).length : 0;
  if (options.prune && !options.allowEmpty && desired.apis.length === 0 && ownLiveApis > 0) {
    const whose = owner === undefined ? '' : ` owned by selector "${owner}"`;
    errors.push(
      `the manifests deploy no API to environment "${desired.environment.name}": pruning would delete all ${ownLiveApis} APIs${whose} of the gateway; pass --allow-empty if that is what you want`,
    );
  }
  const others = split?.otherApis ?? new Set<string>();
  for (const api of target.apis) {
    // Another owner's APIs are that owner's business: they were checked when it applied them.
    if (others.has(api.name)) continue;
    for (const v of chainOrderViolations(api.chain, target.environment.precedence)) {
      errors.push(
        `Api "${api.name}": ${v.message}${options.prune ? '' : ' (a policy kept because --prune was not given may be the cause)'}`,
      );
    }
  }
  return { plan: { environment: desired.environment.name, changes, skipped, errors }, target };
}

interface OwnerSplit {
  /** Live objects of other owners that the desired state does not take: kept as they are. */
  keptApis: ApiState[];
  keptApplications: EnvironmentState['applications'];
  keptCertificates: CertificateState[];
  /** Names of the APIs that stay another owner's. */
  otherApis: Set<string>;
  conflicts: string[];
}

/** Sorts the live objects into this owner's and the others', and finds the names both claim. */
function splitByOwner(
  desired: EnvironmentState,
  live: EnvironmentState,
  owner: string | undefined,
  adopt: boolean,
): OwnerSplit {
  const conflicts: string[] = [];
  const claim = <T extends Owned>(
    kind: string,
    wanted: readonly T[],
    held: readonly T[],
  ): { kept: T[]; conflicted: Set<string> } => {
    const desiredNames = new Set(wanted.map((o) => o.name));
    const kept: T[] = [];
    const conflicted = new Set<string>();
    for (const object of held) {
      if (object.owner === owner) continue;
      if (!desiredNames.has(object.name)) kept.push(object);
      else if (!adopt) {
        conflicted.add(object.name);
        kept.push(object);
        conflicts.push(
          `${kind} "${object.name}" is ${describeOwner(object.owner)} on the gateway; this apply (${owner === undefined ? 'without a selector' : `selector "${owner}"`}) does not change it: rename one of them, or pass --adopt to take it over`,
        );
      }
    }
    return { kept, conflicted };
  };
  const apis = claim('Api', desired.apis, live.apis);
  const applications = claim('Application', desired.applications, live.applications);
  const certificates = claim('Certificate', desired.certificates ?? [], live.certificates ?? []);
  return {
    keptApis: apis.kept,
    keptApplications: applications.kept,
    keptCertificates: certificates.kept,
    otherApis: new Set(apis.kept.map((a) => a.name)),
    conflicts,
  };
}

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The desired state with the other owners' objects of the live state (a conflicted name keeps its live object). */
function withOthers(
  desired: EnvironmentState,
  live: EnvironmentState,
  split: OwnerSplit,
  ownsEnvironment = true,
): EnvironmentState {
  if (
    split.keptApis.length === 0 &&
    split.keptApplications.length === 0 &&
    split.keptCertificates.length === 0 &&
    ownsEnvironment
  )
    return desired;
  const replaced = <T extends { name: string }>(own: readonly T[], kept: readonly T[]) => {
    const keptNames = new Set(kept.map((k) => k.name));
    return [...own.filter((o) => !keptNames.has(o.name)), ...kept].sort(byName);
  };
  const certificates = replaced(desired.certificates ?? [], split.keptCertificates);
  return withCertificates(
    {
      environment: ownsEnvironment ? desired.environment : live.environment,
      apis: replaced(desired.apis, split.keptApis),
      applications: replaced(desired.applications, split.keptApplications),
    },
    desired,
    certificates,
  );
}

/** Order checks of frozen chains, which the desired states of later revisions share. */
const checkedChains = new WeakMap<
  readonly PolicyInstance[],
  { profile: PrecedenceProfile; violations: OrderViolation[] }
>();

function chainOrderViolations(chain: readonly PolicyInstance[], profile: PrecedenceProfile): OrderViolation[] {
  const known = checkedChains.get(chain);
  if (known?.profile === profile) return known.violations;
  const violations = orderViolations(chain, profile);
  if (isFrozenDeep(chain)) checkedChains.set(chain, { profile, violations });
  return violations;
}

/** The desired state plus what only the gateway has: APIs, applications and policies (kept after their live predecessor). */
function keepUnmanaged(desired: EnvironmentState, live: EnvironmentState, split?: OwnerSplit): EnvironmentState {
  // Another owner's APIs are in `desired` already, as they are: their chains are not merged with anything.
  const others = split?.otherApis;
  const desiredApis = new Map(desired.apis.map((a) => [a.name, a]));
  const liveApis = new Map(live.apis.map((a) => [a.name, a]));
  const apis: ApiState[] = desired.apis.map((api) => {
    const before = liveApis.get(api.name);
    return before && !others?.has(api.name) ? { ...api, chain: mergeChains(api.chain, before.chain) } : api;
  });
  for (const api of live.apis) if (!desiredApis.has(api.name)) apis.push(api);
  const desiredApps = new Set(desired.applications.map((a) => a.name));
  const applications = [...desired.applications, ...live.applications.filter((a) => !desiredApps.has(a.name))];
  const desiredCerts = new Set((desired.certificates ?? []).map((c) => c.name));
  const certificates = [
    ...(desired.certificates ?? []),
    ...(live.certificates ?? []).filter((c) => !desiredCerts.has(c.name)),
  ].sort(byName);
  return withCertificates(
    { environment: desired.environment, apis: apis.sort(byName), applications: applications.sort(byName) },
    desired,
    certificates,
  );
}

function mergeChains(desired: readonly PolicyInstance[], live: readonly PolicyInstance[]): PolicyInstance[] {
  const chain = [...desired];
  const names = new Set(desired.map((p) => p.name));
  live.forEach((policy, i) => {
    if (names.has(policy.name)) return;
    const predecessor = live
      .slice(0, i)
      .reverse()
      .find((p) => chain.some((c) => c.name === p.name));
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
        out.push({
          op: 'put-certificate',
          certificate: target.certificates!.find((c) => c.name === change.certificate)!,
        });
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
