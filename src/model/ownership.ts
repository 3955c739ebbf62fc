import { freezeDeep, isFrozenDeep } from './immutable.js';
import type { EnvironmentState, Ownership } from './types.js';

/**
 * The desired state marked as owned by `owner` (the canonical selector of a
 * selector-scoped apply): each API, application and certificate carries the
 * mark, so what the apply creates is recorded on the gateway as its own.
 * Without an owner the state is returned as it is (unmarked, as always).
 * Frozen APIs keep their identity across revisions: the marked copy of each is
 * made once and frozen too (planners and fingerprints cache by identity).
 */
export function ownedState(state: EnvironmentState, owner: string | undefined): EnvironmentState {
  if (owner === undefined) return state;
  const out: EnvironmentState = {
    environment: state.environment,
    apis: state.apis.map((api) => marked(api, owner)),
    applications: state.applications.map((app) => marked(app, owner)),
  };
  if (state.certificates) out.certificates = state.certificates.map((c) => marked(c, owner));
  return out;
}

const copies = new WeakMap<object, { owner: string; copy: object }>();

function marked<T extends Ownership & object>(value: T, owner: string): T {
  if (value.owner === owner) return value;
  const cached = copies.get(value);
  if (cached?.owner === owner) return cached.copy as T;
  const copy = { ...value, owner };
  if (isFrozenDeep(value)) freezeDeep(copy);
  copies.set(value, { owner, copy });
  return copy;
}

/** "selector team=a" or "no selector": how a plan names an owner. */
export function describeOwner(owner: string | undefined): string {
  return owner === undefined ? 'applied without a selector' : `owned by selector "${owner}"`;
}
