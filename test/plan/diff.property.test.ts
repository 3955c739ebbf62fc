import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from '../../src/model/types.js';
import { applyChanges } from '../../src/gateway/state/apply-changes.js';
import { canonicalPolicy, canonicalState } from '../../src/plan/canonical.js';
import { diffStates } from '../../src/plan/diff.js';
import { computePlan, transactionChanges } from '../../src/plan/plan.js';

const names = ['alpha', 'beta', 'gamma', 'delta'];
const ip = fc.constantFrom('10.0.0.0/8', '192.168.0.0/16', '127.0.0.1', '2001:db8::/32');

const policyArb: fc.Arbitrary<PolicyInstance> = fc.oneof(
  fc.record({ value: fc.constantFrom('a', 'b', 'c') }).map(({ value }) => ({
    name: 'tag',
    type: 'header-injection' as const,
    enabled: true,
    origin: 'api' as const,
    config: { inboundHeaders: [{ key: 'X-Tag', value }], outboundHeaders: [] },
  })),
  fc.record({ max: fc.integer({ min: 1, max: 5 }), enabled: fc.boolean() }).map(({ max, enabled }) => ({
    name: 'limit',
    type: 'rate-limiting' as const,
    enabled,
    origin: 'api' as const,
    config: {
      rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: 1000 }],
      keySelector: { source: 'api' },
      exposeHeaders: false,
      clusterizable: true,
      failMode: 'open',
    },
  })),
  fc.uniqueArray(ip, { minLength: 1, maxLength: 3 }).map((ips) => ({
    name: 'office',
    type: 'ip-allowlist' as const,
    enabled: true,
    origin: 'api' as const,
    config: { ips, trustedProxies: [] },
  })),
  fc.constantFrom('user', 'admin').map((username) => ({
    name: 'login',
    type: 'basic-auth' as const,
    enabled: true,
    origin: 'api' as const,
    config: { username, password: { salt: 'salt-salt-salt', sha256: 'a'.repeat(64) }, realm: 'x' },
  })),
);

const chainArb = fc.uniqueArray(policyArb, { maxLength: 4, selector: (p) => p.name });

const apiArb = (name: string): fc.Arbitrary<ApiState> =>
  fc
    .record({
      chain: chainArb,
      upstream: fc.constantFrom('http://a.test', 'http://b.test'),
      timeoutMs: fc.constantFrom(1000, 30000),
    })
    .map(({ chain, upstream, timeoutMs }) => ({
      name,
      version: 'v1',
      basePath: `/${name}`,
      upstream,
      timeoutMs,
      chain,
      slaTiers: [],
    }));

const appArb = (name: string): fc.Arbitrary<ApplicationState> =>
  fc
    .record({ api: fc.constantFrom(...names), tier: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }) })
    .map(({ api, tier }) => ({
      name,
      clientId: `${name}-id`,
      contracts: [tier === undefined ? { api, version: 'v1' } : { api, version: 'v1', tier }],
    }));

const stateArb: fc.Arbitrary<EnvironmentState> = fc
  .record({
    apiNames: fc.subarray(names),
    appNames: fc.subarray(['app-one', 'app-two']),
    gatekeeper: fc.constantFrom('strict' as const, 'flexible' as const),
  })
  .chain(({ apiNames, appNames, gatekeeper }) =>
    fc
      .record({
        apis: fc.tuple(...apiNames.map(apiArb)),
        applications: fc.tuple(...appNames.map(appArb)),
      })
      .map(({ apis, applications }) => ({
        environment: { name: 'prod', precedence: 'cors-first' as const, gatekeeper },
        apis: [...apis],
        applications: [...applications],
      })),
  );

/** One Api with an IP filter listing `ips`, in that order. */
const withRanges = (ips: string[], gatekeeper: 'strict' | 'flexible'): EnvironmentState => ({
  environment: { name: 'prod', precedence: 'cors-first', gatekeeper },
  apis: [
    {
      name: 'gamma',
      version: 'v1',
      basePath: '/gamma',
      upstream: 'http://a.test',
      timeoutMs: 30000,
      chain: [
        { name: 'office', type: 'ip-allowlist', enabled: true, origin: 'api', config: { ips, trustedProxies: [] } },
      ],
      slaTiers: [],
    },
  ],
  applications: [],
});

/** The same state as new objects: the diff may short-cut shared objects by identity, a copy must be compared for real. */
const copy = (state: EnvironmentState): EnvironmentState => structuredClone(state);

/** Applies a plan to live as apply does: the transaction of its changes folded onto live. */
const applyPlan = (desired: EnvironmentState, live: EnvironmentState, prune: boolean) => {
  const { plan, target } = computePlan(desired, live, { prune, allowEmpty: true });
  return { plan, target, applied: applyChanges(live, transactionChanges(plan.changes, target)) };
};

describe('plan: properties over random desired/live pairs', () => {
  it('plan(desired, a copy of desired) is empty', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        expect(diffStates(state, copy(state))).toEqual([]);
        expect(computePlan(state, copy(state), { prune: true }).plan.changes).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('applying the plan to live yields desired (with prune)', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (desired, live) => {
        const { applied } = applyPlan(desired, live, true);
        expect(canonicalState(applied)).toEqual(canonicalState(desired));
        expect(diffStates(desired, copy(applied))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('the plan is minimal: planning again after applying it yields nothing, and no change of it is a no-op on live', () => {
    fc.assert(
      fc.property(stateArb, stateArb, fc.boolean(), (desired, live, prune) => {
        const { plan, target, applied } = applyPlan(desired, live, prune);
        expect(computePlan(desired, copy(applied), { prune }).plan.changes).toEqual([]);
        for (const change of plan.changes) {
          // Each change alone must move live: a change that leaves it as it was should not be in the plan.
          const alone = applyChanges(live, transactionChanges([change], target));
          expect(canonicalState(alone), JSON.stringify(change)).not.toEqual(canonicalState(live));
          if ('fields' in change) {
            expect(change.fields.length, JSON.stringify(change)).toBeGreaterThan(0);
            for (const field of change.fields)
              expect(field.after, `${JSON.stringify(change)}: ${field.path}`).not.toEqual(field.before);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('without prune nothing the gateway has is deleted, and everything desired is there', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (desired, live) => {
        const { plan, applied } = applyPlan(desired, live, false);
        expect(
          plan.changes.some(
            (c) => c.kind === 'delete-api' || c.kind === 'remove-policy' || c.kind === 'delete-application',
          ),
        ).toBe(false);
        for (const api of live.apis) expect(applied.apis.some((a) => a.name === api.name)).toBe(true);
        for (const api of desired.apis) {
          const got = applied.apis.find((a) => a.name === api.name)!;
          // Order-insensitive lists (an IP filter's ranges) count as there in any order: compare canonical forms.
          for (const p of api.chain) {
            const found = got.chain.find((c) => c.name === p.name);
            expect(found && canonicalPolicy(found)).toEqual(canonicalPolicy(p));
          }
        }
      }),
      // Once found by a random seed: the same ranges in another order plan nothing and keep the gateway's order.
      {
        numRuns: 300,
        examples: [
          [
            withRanges(['192.168.0.0/16', '2001:db8::/32', '10.0.0.0/8'], 'strict'),
            withRanges(['2001:db8::/32', '10.0.0.0/8', '192.168.0.0/16'], 'flexible'),
          ],
        ],
      },
    );
  });
});
