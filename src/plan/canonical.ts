import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';
import { canonicalJson } from '../gateway/state/digest.js';

/**
 * The form both sides are compared in: names sorted, set-like arrays sorted,
 * so that equal meaning means equal JSON and an unchanged repo plans nothing.
 */
export function canonicalState(state: EnvironmentState): EnvironmentState {
  return {
    environment: state.environment,
    apis: [...state.apis].sort(byName).map(canonicalApi),
    applications: [...state.applications].sort(byName).map(canonicalApplication),
    ...(state.certificates?.length
      ? { certificates: [...state.certificates].sort(byName).map((c) => ({ ...c, hosts: [...c.hosts].sort() })) }
      : {}),
  };
}

function canonicalApi(api: ApiState): ApiState {
  return {
    ...api,
    chain: api.chain.map(canonicalPolicy),
    slaTiers: [...api.slaTiers].sort(byName).map((t) => ({ ...t, limits: sortByJson(t.limits) })),
  };
}

export function canonicalPolicy(policy: PolicyInstance): PolicyInstance {
  let config = policy.config;
  for (const path of policyModule(policy.type).orderInsensitiveArrays)
    config = sortAt(config, path.split('.')) as Record<string, unknown>;
  const out: PolicyInstance = { ...policy, config };
  if (policy.rules) out.rules = policy.rules.map((r) => (r.methods ? { ...r, methods: [...r.methods].sort() } : r));
  return out;
}

function canonicalApplication(app: ApplicationState): ApplicationState {
  return {
    ...app,
    contracts: [...app.contracts].sort((a, b) => `${a.api}\0${a.version}`.localeCompare(`${b.api}\0${b.version}`)),
  };
}

/** Sorts the array found at `path` (`*` walks every item of an array), copying only what it changes. */
function sortAt(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return Array.isArray(value) ? sortByJson(value) : value;
  const [head, ...rest] = path as [string, ...string[]];
  if (head === '*') return Array.isArray(value) ? value.map((item) => sortAt(item, rest)) : value;
  if (typeof value !== 'object' || value === null || !(head in value)) return value;
  return { ...(value as Record<string, unknown>), [head]: sortAt((value as Record<string, unknown>)[head], rest) };
}

function sortByJson<T>(items: readonly T[]): T[] {
  if (items.every((item) => typeof item === 'string')) {
    return isSorted(items as readonly string[]) ? (items as T[]) : ([...(items as readonly string[])].sort() as T[]);
  }
  if (items.every(isWindow)) return [...items].sort((a, b) => byWindow(a as Window, b as Window));
  return items
    .map((item) => ({ item, key: canonicalJson(item) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ item }) => item);
}

interface Window {
  maximumRequests: number;
  timePeriodInMilliseconds: number;
}

function isWindow(item: unknown): boolean {
  return (
    typeof item === 'object' &&
    item !== null &&
    typeof (item as Window).timePeriodInMilliseconds === 'number' &&
    typeof (item as Window).maximumRequests === 'number'
  );
}

/** Stacked limits by window, shortest first: a plan then pairs each window with itself ("600 → 100 per minute"). */
function byWindow(a: Window, b: Window): number {
  return (
    a.timePeriodInMilliseconds - b.timePeriodInMilliseconds ||
    a.maximumRequests - b.maximumRequests ||
    canonicalJson(a).localeCompare(canonicalJson(b))
  );
}

function byName<T extends { name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function isSorted(items: readonly string[]): boolean {
  for (let i = 1; i < items.length; i++) if ((items[i - 1] as string) > (items[i] as string)) return false;
  return true;
}
