import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from '../../src/model/types.js';
import { applyChanges } from '../../src/gateway/state/apply-changes.js';
import { canonicalState } from '../../src/plan/canonical.js';
import { diffStates } from '../../src/plan/diff.js';
import { computePlan, transactionChanges } from '../../src/plan/plan.js';

const names = ['alpha', 'beta', 'gamma', 'delta'];
const ip = fc.constantFrom('10.0.0.0/8', '192.168.0.0/16', '127.0.0.1', '2001:db8::/32');

const policyArb: fc.Arbitrary<PolicyInstance> = fc.oneof(
  fc.record({ value: fc.constantFrom('a', 'b', 'c') }).map(({ value }) => ({ name: 'tag', type: 'header-injection' as const, enabled: true, origin: 'api' as const, config: { inboundHeaders: [{ key: 'X-Tag', value }], outboundHeaders: [] } })),
  fc.record({ max: fc.integer({ min: 1, max: 5 }), enabled: fc.boolean() }).map(({ max, enabled }) => ({
    name: 'limit',
    type: 'rate-limiting' as const,
    enabled,
    origin: 'api' as const,
    config: { rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: 1000 }], keySelector: { source: 'api' }, exposeHeaders: false, clusterizable: true, failMode: 'open' },
  })),
  fc.uniqueArray(ip, { minLength: 1, maxLength: 3 }).map((ips) => ({ name: 'office', type: 'ip-allowlist' as const, enabled: true, origin: 'api' as const, config: { ips, trustedProxies: [] } })),
  fc.constantFrom('user', 'admin').map((username) => ({ name: 'login', type: 'basic-auth' as const, enabled: true, origin: 'api' as const, config: { username, password: { salt: 'salt-salt-salt', sha256: 'a'.repeat(64) }, realm: 'x' } })),
);

const chainArb = fc.uniqueArray(policyArb, { maxLength: 4, selector: (p) => p.name });

const apiArb = (name: string): fc.Arbitrary<ApiState> =>
  fc.record({ chain: chainArb, upstream: fc.constantFrom('http://a.test', 'http://b.test'), timeoutMs: fc.constantFrom(1000, 30000) }).map(({ chain, upstream, timeoutMs }) => ({
    name,
    version: 'v1',
    basePath: `/${name}`,
    upstream,
    timeoutMs,
    chain,
    slaTiers: [],
  }));

const appArb = (name: string): fc.Arbitrary<ApplicationState> =>
  fc.record({ api: fc.constantFrom(...names), tier: fc.option(fc.constantFrom('gold', 'silver'), { nil: undefined }) }).map(({ api, tier }) => ({
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
    fc.record({
      apis: fc.tuple(...apiNames.map(apiArb)),
      applications: fc.tuple(...appNames.map(appArb)),
    }).map(({ apis, applications }) => ({ environment: { name: 'prod', precedence: 'cors-first' as const, gatekeeper }, apis: [...apis], applications: [...applications] })),
  );

describe('plan: properties over random desired/live pairs', () => {
  it('plan(desired, desired) is empty', () => {
    fc.assert(
      fc.property(stateArb, (state) => {
        expect(diffStates(state, state)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('applying the plan to live yields desired (with prune)', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (desired, live) => {
        const { plan, target } = computePlan(desired, live, { prune: true, allowEmpty: true });
        const applied = applyChanges(live, transactionChanges(plan.changes, target));
        expect(canonicalState(applied)).toEqual(canonicalState(desired));
        expect(diffStates(desired, applied)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('without prune nothing the gateway has is deleted, and everything desired is there', () => {
    fc.assert(
      fc.property(stateArb, stateArb, (desired, live) => {
        const { plan, target } = computePlan(desired, live, { prune: false });
        expect(plan.changes.some((c) => c.kind === 'delete-api' || c.kind === 'remove-policy' || c.kind === 'delete-application')).toBe(false);
        const applied = applyChanges(live, transactionChanges(plan.changes, target));
        for (const api of live.apis) expect(applied.apis.some((a) => a.name === api.name)).toBe(true);
        for (const api of desired.apis) {
          const got = applied.apis.find((a) => a.name === api.name)!;
          for (const p of api.chain) expect(got.chain.find((c) => c.name === p.name)).toEqual(p);
        }
      }),
      { numRuns: 300 },
    );
  });
});
