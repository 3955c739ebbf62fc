import { describe, expect, it } from 'vitest';
import { checkState } from '../../src/gateway/state/check-state.js';
import { fingerprint } from '../../src/gateway/state/fingerprint.js';
import { freezeDeep } from '../../src/model/immutable.js';
import { ownedState } from '../../src/model/ownership.js';
import type { ApplicationState, EnvironmentState } from '../../src/model/types.js';
import { computePlan, transactionChanges } from '../../src/plan/plan.js';
import { api, environmentState } from '../helpers/state.js';

const U = 'http://127.0.0.1:9/';
const app = (name: string, apiName: string, extra: Partial<ApplicationState> = {}): ApplicationState => ({
  name,
  clientId: `${name}-id`,
  contracts: [{ api: apiName, version: 'v1' }],
  ...extra,
});
const kinds = (state: ReturnType<typeof computePlan>) =>
  state.plan.changes.map((c) =>
    `${c.kind} ${'api' in c ? c.api : 'application' in c ? c.application : 'certificate' in c ? c.certificate : ''}`.trim(),
  );

/** A gateway shared by team a (orders), team b (catalog) and an unmarked API applied without a selector (legacy). */
const live: EnvironmentState = environmentState(
  [
    api('catalog', U, [], { owner: 'team=b', labels: { team: 'b' } }),
    api('legacy', U),
    api('orders', U, [], { owner: 'team=a', labels: { team: 'a' } }),
  ],
  [app('shop', 'catalog', { owner: 'team=b' })],
);

describe('ownership: an apply changes and prunes only what its owner holds', () => {
  it('prune with a selector deletes only what that selector owns', () => {
    const desired = ownedState(environmentState([], []), 'team=a');
    const planned = computePlan(desired, live, { prune: true, allowEmpty: true, owner: 'team=a' });
    expect(kinds(planned)).toEqual(['delete-api orders']);
    expect(planned.target.apis.map((a) => a.name)).toEqual(['catalog', 'legacy']);
    // ...and without --allow-empty, deleting all of its own APIs is refused (the others' do not count).
    expect(computePlan(desired, live, { prune: true, owner: 'team=a' }).plan.errors.join()).toMatch(
      /would delete all 1 APIs owned by selector "team=a"/,
    );
  });

  it('without prune, only its own deletions are listed as skipped; the others are not its to mention', () => {
    const planned = computePlan(ownedState(environmentState([], []), 'team=a'), live, {
      prune: false,
      owner: 'team=a',
    });
    expect(planned.plan.changes).toEqual([]);
    expect(planned.plan.skipped.map((c) => c.kind + ' ' + ('api' in c ? c.api : ''))).toEqual(['delete-api orders']);
  });

  it('an apply without a selector owns the unmarked objects only: its prune never deletes what a selector applied', () => {
    const planned = computePlan(environmentState([], []), live, { prune: true, allowEmpty: true });
    expect(kinds(planned)).toEqual(['delete-api legacy']);
  });

  it('a state without marks plans as it always did', () => {
    const unmarked = environmentState([api('orders', U), api('legacy', U)]);
    const planned = computePlan(environmentState([api('orders', U, [], { timeoutMs: 9000 })]), unmarked, {
      prune: true,
    });
    expect(kinds(planned)).toEqual(['update-api orders', 'delete-api legacy']);
  });

  it('creates marked objects; updates its own; the mark is in the transaction and passes the gateway check', () => {
    const desired = ownedState(
      environmentState(
        [
          api('orders', U, [], { timeoutMs: 9000, labels: { team: 'a' } }),
          api('payments', U, [], { labels: { team: 'a' } }),
        ],
        [app('mobile', 'orders', { labels: { team: 'a' } })],
      ),
      'team=a',
    );
    const planned = computePlan(desired, live, { prune: true, owner: 'team=a' });
    expect(kinds(planned)).toEqual(['update-api orders', 'create-api payments', 'create-application mobile']);
    const tx = transactionChanges(planned.plan.changes, planned.target);
    expect(
      tx.map((c) => [c.op, 'api' in c ? c.api.owner : 'application' in c ? c.application.owner : undefined]),
    ).toEqual([
      ['put-api', 'team=a'],
      ['put-api', 'team=a'],
      ['put-application', 'team=a'],
    ]);
    expect(checkState(planned.target).problems).toEqual([]);
  });

  it("another owner's object of the same name is a conflict that refuses the plan; --adopt takes it over", () => {
    const desired = ownedState(environmentState([api('catalog', U, [], { labels: { team: 'a' } })]), 'team=a');
    const refused = computePlan(desired, live, { prune: true, owner: 'team=a' });
    expect(refused.plan.errors).toEqual([
      'Api "catalog" is owned by selector "team=b" on the gateway; this apply (selector "team=a") does not change it: rename one of them, or pass --adopt to take it over',
    ]);
    // The conflicted object is left as it is in the target: nothing of it would be sent.
    expect(refused.target.apis.find((a) => a.name === 'catalog')?.owner).toBe('team=b');
    const adopted = computePlan(desired, live, { prune: true, owner: 'team=a', adopt: true, allowEmpty: true });
    expect(adopted.plan.errors).toEqual([]);
    const update = adopted.plan.changes.find((c) => c.kind === 'update-api');
    expect(update && 'fields' in update ? update.fields : []).toEqual([
      { path: 'labels.team', before: 'b', after: 'a' },
      { path: 'owner', before: 'team=b', after: 'team=a' },
    ]);
    // An unmarked object is not this selector's either.
    const legacy = computePlan(ownedState(environmentState([api('legacy', U)]), 'team=a'), live, {
      prune: false,
      owner: 'team=a',
    });
    expect(legacy.plan.errors.join()).toMatch(/Api "legacy" is applied without a selector on the gateway/);
  });

  it('a selector that does not match the Environment keeps the live settings; one that does writes them', () => {
    const desired = ownedState(environmentState([], [], { gatekeeper: 'strict' }), 'team=a');
    expect(computePlan(desired, live, { prune: false, owner: 'team=a', ownsEnvironment: false }).plan.changes).toEqual(
      [],
    );
    expect(kinds(computePlan(desired, live, { prune: false, owner: 'team=a', ownsEnvironment: true }))).toEqual([
      'update-environment',
    ]);
  });

  it('marking keeps frozen APIs the same objects revision after revision, and an unmarked state fingerprints as before', () => {
    const frozen = freezeDeep(api('orders', U));
    const a = ownedState(environmentState([frozen]), 'team=a');
    const b = ownedState(environmentState([frozen]), 'team=a');
    expect(a.apis[0]).toBe(b.apis[0]);
    expect(Object.isFrozen(a.apis[0])).toBe(true);
    const plain = environmentState([api('orders', U)]);
    expect(ownedState(plain, undefined)).toBe(plain);
    expect(fingerprint(plain.apis[0])).toBe(fingerprint(api('orders', U)));
  });
});
