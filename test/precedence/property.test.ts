import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PolicySpec, PolicyType, PrecedenceProfile } from '../../src/manifest/types.js';
import { POLICY_CATALOG } from '../../src/policies/catalog.js';
import { assembleChain } from '../../src/precedence/assemble.js';
import { expectedOrder, orderViolations } from '../../src/precedence/validate-order.js';

/**
 * The precedence rule, stated independently of src/precedence and checked
 * against it on random chains:
 *
 *   A declared list is valid iff for every pair i < j: if list[j] is of a
 *   fixed-head class of the profile, then list[i] is fixed too and its fixed
 *   rank is <= that of list[j].
 *
 * Fixed head: strict = cors, spike-control, rate-limiting (in that order);
 * cors-first = cors.
 */

const FIXED_HEAD: Record<PrecedenceProfile, readonly PolicyType[]> = {
  strict: ['cors', 'spike-control', 'rate-limiting'],
  'cors-first': ['cors'],
};
const PROFILES: readonly PrecedenceProfile[] = ['strict', 'cors-first'];

/** Rank in the profile's fixed head, or undefined for a free policy. */
const rank = (type: PolicyType, profile: PrecedenceProfile): number | undefined => {
  const i = FIXED_HEAD[profile].indexOf(type);
  return i === -1 ? undefined : i;
};

function isValidOrder(list: readonly PolicyType[], profile: PrecedenceProfile): boolean {
  for (let j = 0; j < list.length; j++) {
    const rj = rank(list[j] as PolicyType, profile);
    if (rj === undefined) continue;
    for (let i = 0; i < j; i++) {
      const ri = rank(list[i] as PolicyType, profile);
      if (ri === undefined || ri > rj) return false;
    }
  }
  return true;
}

/** The indices j that stand too low: fixed, with something before them that is free or ranked after them. */
function misplaced(list: readonly PolicyType[], profile: PrecedenceProfile): number[] {
  const out: number[] = [];
  list.forEach((type, j) => {
    const rj = rank(type, profile);
    if (rj === undefined) return;
    if (list.slice(0, j).some((t) => rank(t, profile) === undefined || (rank(t, profile) as number) > rj)) out.push(j);
  });
  return out;
}

const BUILT_IN: PolicyType[] = [...POLICY_CATALOG.keys()].filter((t) => t !== 'custom');

const spec = (type: PolicyType, i: number, extra: Partial<PolicySpec> = {}): PolicySpec => ({
  name: `${type}-${i}`,
  type,
  enabled: true,
  config: {},
  ...extra,
});

/** Lists biased towards the fixed types, so that both valid and invalid orders come up often. */
const typeArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<PolicyType>('cors', 'spike-control', 'rate-limiting') },
  { weight: 2, arbitrary: fc.constantFrom<PolicyType>(...BUILT_IN) },
);
const listArb = fc.array(typeArb, { maxLength: 9 });
const profileArb = fc.constantFrom(...PROFILES);

describe('the policy catalog agrees with the fixed heads stated here', () => {
  it('cors, spike-control and rate-limiting are the fixed classes; every other built-in type is free', () => {
    for (const [type, module] of POLICY_CATALOG) {
      const expected =
        type === 'cors' || type === 'spike-control' || type === 'rate-limiting'
          ? type
          : type === 'custom'
            ? 'custom'
            : 'standard';
      expect(module.precedence, type).toBe(expected);
    }
    expect(BUILT_IN.length).toBe(13);
  });
});

describe('orderViolations against the independent statement of the rule', () => {
  it('a list has no violations iff it is valid', () => {
    fc.assert(
      fc.property(listArb, profileArb, (types, profile) => {
        const policies = types.map((t, i) => spec(t, i));
        expect(orderViolations(policies, profile).length === 0).toBe(isValidOrder(types, profile));
      }),
      { numRuns: 2000 },
    );
  });

  it('reports exactly the policies that stand too low, each with a policy above it that may not be there', () => {
    fc.assert(
      fc.property(listArb, profileArb, (types, profile) => {
        const policies = types.map((t, i) => spec(t, i));
        const violations = orderViolations(policies, profile);
        expect(violations.map((v) => v.index)).toEqual(misplaced(types, profile));
        for (const v of violations) {
          expect(v.aboveIndex).toBeLessThan(v.index);
          const above = rank(types[v.aboveIndex] as PolicyType, profile);
          expect(above === undefined || above > (rank(types[v.index] as PolicyType, profile) as number)).toBe(true);
          expect(v.message).toContain(`"${policies[v.index]?.name}"`);
          expect(v.message).toContain(`"${policies[v.aboveIndex]?.name}"`);
          expect(v.message).toContain(`Expected order: ${expectedOrder(policies, profile).join(' → ')}`);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('the expected order it suggests is a valid permutation that keeps free policies in their order', () => {
    fc.assert(
      fc.property(listArb, profileArb, (types, profile) => {
        const policies = types.map((t, i) => spec(t, i));
        const names = expectedOrder(policies, profile);
        const byName = new Map(policies.map((p) => [p.name, p]));
        const reordered = names.map((n) => byName.get(n) as PolicySpec);
        expect([...names].sort()).toEqual(policies.map((p) => p.name).sort());
        expect(
          isValidOrder(
            reordered.map((p) => p.type),
            profile,
          ),
        ).toBe(true);
        const free = (list: PolicySpec[]) => list.filter((p) => rank(p.type, profile) === undefined).map((p) => p.name);
        expect(free(reordered)).toEqual(free(policies));
      }),
      { numRuns: 1000 },
    );
  });

  it('everything valid under strict is valid under cors-first, not the other way round', () => {
    fc.assert(
      fc.property(listArb, (types) => {
        const policies = types.map((t, i) => spec(t, i));
        if (orderViolations(policies, 'strict').length === 0)
          expect(orderViolations(policies, 'cors-first')).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    const corsFirstOnly = [spec('ip-allowlist', 0), spec('spike-control', 1)];
    expect(orderViolations(corsFirstOnly, 'cors-first')).toEqual([]);
    expect(orderViolations(corsFirstOnly, 'strict').map((v) => v.index)).toEqual([1]);
  });

  it('examples from the reference', () => {
    const names = (list: PolicySpec[], profile: PrecedenceProfile) =>
      orderViolations(list, profile).map((v) => [v.index, v.aboveIndex]);
    // Rate limiting after an IP filter: rejected under strict, fine under cors-first.
    const rl = [spec('ip-allowlist', 0), spec('rate-limiting', 1)];
    expect(names(rl, 'strict')).toEqual([[1, 0]]);
    expect(names(rl, 'cors-first')).toEqual([]);
    // The fixed head out of its own order.
    expect(names([spec('rate-limiting', 0), spec('spike-control', 1), spec('cors', 2)], 'strict')).toEqual([
      [1, 0],
      [2, 0],
    ]);
    // Anything above cors is rejected by both profiles.
    for (const profile of PROFILES)
      expect(names([spec('header-injection', 0), spec('cors', 1)], profile)).toEqual([[1, 0]]);
    // Repeating a fixed class is not an order violation.
    expect(names([spec('cors', 0), spec('cors', 1), spec('spike-control', 2)], 'strict')).toEqual([]);
  });
});

describe('assembleChain against an independent model of the execution order', () => {
  type Origin = 'environment' | 'api';
  interface Declared {
    policy: PolicySpec;
    origin: Origin;
    index: number;
  }

  /** Custom policies run last unless they ask to stay where they are listed. */
  const runsLast = (p: PolicySpec) => p.type === 'custom' && p.order !== 'listed';

  /**
   * 1. the fixed head, class by class in the profile's order (environment before Api within a class);
   * 2. the other automated (environment) policies as listed;
   * 3. the other Api policies as listed (custom with order: listed among them);
   * 4. custom policies without order: listed, environment before Api.
   */
  function model(env: PolicySpec[], api: PolicySpec[], profile: PrecedenceProfile): Declared[] {
    const all: Declared[] = [
      ...env.map((policy, index) => ({ policy, origin: 'environment' as const, index })),
      ...api.map((policy, index) => ({ policy, origin: 'api' as const, index })),
    ];
    const head = FIXED_HEAD[profile].flatMap((type) => all.filter((d) => d.policy.type === type));
    const free = all.filter((d) => rank(d.policy.type, profile) === undefined);
    return [
      ...head,
      ...free.filter((d) => d.origin === 'environment' && !runsLast(d.policy)),
      ...free.filter((d) => d.origin === 'api' && !runsLast(d.policy)),
      ...free.filter((d) => runsLast(d.policy)),
    ];
  }

  const policyArb = fc.oneof(
    { weight: 4, arbitrary: typeArb.map((type) => ({ type })) },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant<PolicyType>('custom'),
        order: fc.constantFrom<'listed' | 'last' | undefined>('listed', 'last', undefined),
      }),
    },
  );
  const toSpecs = (prefix: string, list: { type: PolicyType; order?: 'listed' | 'last' | undefined }[]) =>
    list.map(({ type, order }, i) =>
      spec(type, i, { name: `${prefix}-${type}-${i}`, ...(order === undefined ? {} : { order }) }),
    );

  const key = (d: { origin: Origin; index: number }) => `${d.origin}:${d.index}`;

  it('matches the model: fixed classes first in fixed order, then environment, then Api, then custom', () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { maxLength: 5 }),
        fc.array(policyArb, { maxLength: 8 }),
        profileArb,
        (envList, apiList, profile) => {
          const env = toSpecs('env', envList);
          const api = toSpecs('api', apiList);
          const chain = assembleChain(env, api, profile);
          expect(chain.map(key)).toEqual(model(env, api, profile).map(key));
          // Entries point back at what was declared.
          for (const e of chain) expect(e.policy).toBe((e.origin === 'environment' ? env : api)[e.index]);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('is a permutation whose head is the fixed classes in fixed order, and keeps the relative order of the rest', () => {
    fc.assert(
      fc.property(
        fc.array(policyArb, { maxLength: 5 }),
        fc.array(policyArb, { maxLength: 8 }),
        profileArb,
        (envList, apiList, profile) => {
          const env = toSpecs('env', envList);
          const api = toSpecs('api', apiList);
          const chain = assembleChain(env, api, profile);
          expect(chain.length).toBe(env.length + api.length);
          expect(new Set(chain.map(key)).size).toBe(chain.length);
          const ranks = chain.map((e) => rank(e.policy.type, profile));
          const headLength = ranks.findIndex((r) => r === undefined);
          const head = headLength === -1 ? ranks : ranks.slice(0, headLength);
          expect(head).toEqual([...head].sort((a, b) => (a as number) - (b as number)));
          if (headLength !== -1) expect(ranks.slice(headLength).every((r) => r === undefined)).toBe(true);
          // Within each origin, the free policies that do not run last keep their declared order.
          for (const origin of ['environment', 'api'] as const) {
            const indices = chain
              .filter((e) => e.origin === origin && rank(e.policy.type, profile) === undefined && !runsLast(e.policy))
              .map((e) => e.index);
            expect(indices).toEqual([...indices].sort((a, b) => a - b));
          }
          // Custom policies without order: listed come after every other free policy.
          const firstLast = chain.findIndex((e) => runsLast(e.policy));
          if (firstLast !== -1) expect(chain.slice(firstLast).every((e) => runsLast(e.policy))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never reorders a valid Api list: assembly is not a repair', () => {
    fc.assert(
      fc.property(listArb, profileArb, (types, profile) => {
        const api = types.map((t, i) => spec(t, i));
        fc.pre(orderViolations(api, profile).length === 0);
        expect(assembleChain([], api, profile).map((e) => e.index)).toEqual(api.map((_, i) => i));
      }),
      { numRuns: 1000 },
    );
  });

  it("automated policies run before the Api's own free policies, and after the Api's fixed head", () => {
    const env = [spec('ip-blocklist', 0, { name: 'known-abusers' }), spec('message-logging', 1, { name: 'audit' })];
    const api = [
      spec('cors', 0, { name: 'browsers' }),
      spec('rate-limiting', 1, { name: 'quota' }),
      spec('basic-auth', 2, { name: 'login' }),
      spec('custom', 3, { name: 'fraud' }),
    ];
    expect(assembleChain(env, api, 'strict').map((e) => e.policy.name)).toEqual([
      'browsers',
      'quota',
      'known-abusers',
      'audit',
      'login',
      'fraud',
    ]);
    expect(assembleChain(env, api, 'cors-first').map((e) => e.policy.name)).toEqual([
      'browsers',
      'known-abusers',
      'audit',
      'quota',
      'login',
      'fraud',
    ]);
  });
});
