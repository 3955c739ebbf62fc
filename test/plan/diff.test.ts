import { describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/secrets/hash.js';
import { sealSecret, secretCheckKey, secretLocation } from '../../src/secrets/sealed.js';
import { diffStates } from '../../src/plan/diff.js';
import { computePlan } from '../../src/plan/plan.js';
import { api, environmentState, policy } from '../helpers/state.js';

const limit = (max: number) =>
  policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: 1000 }] });
const allow = (ips: string[]) => policy('office', 'ip-allowlist', { ips });

describe('diff', () => {
  it('an update shows only the changed fields, before → after', () => {
    const changes = diffStates(
      environmentState([api('orders', 'http://u', [limit(10)])]),
      environmentState([api('orders', 'http://u', [limit(5)])]),
    );
    expect(changes).toEqual([
      {
        kind: 'update-policy',
        api: 'orders',
        policy: 'limit',
        type: 'rate-limiting',
        fields: [{ path: 'config.rateLimits[0].maximumRequests', before: 5, after: 10 }],
      },
    ]);
  });

  it('set-like arrays in another order are not a change', () => {
    expect(
      diffStates(
        environmentState([api('a', 'http://u', [allow(['10.0.0.0/8', '127.0.0.1'])])]),
        environmentState([api('a', 'http://u', [allow(['127.0.0.1', '10.0.0.0/8'])])]),
      ),
    ).toEqual([]);
  });

  it('a new order is a reorder, not a remove and add', () => {
    const tag = policy('tag', 'header-injection', { inboundHeaders: [] });
    const changes = diffStates(
      environmentState([api('a', 'http://u', [tag, allow(['1.2.3.4'])])]),
      environmentState([api('a', 'http://u', [allow(['1.2.3.4']), tag])]),
    );
    expect(changes).toEqual([{ kind: 'reorder-chain', api: 'a', before: ['office', 'tag'], after: ['tag', 'office'] }]);
  });

  it('disable and enable are their own kinds', () => {
    const off = { ...limit(5), enabled: false };
    expect(
      diffStates(
        environmentState([api('a', 'http://u', [off])]),
        environmentState([api('a', 'http://u', [limit(5)])]),
      )[0]?.kind,
    ).toBe('disable-policy');
    expect(
      diffStates(
        environmentState([api('a', 'http://u', [limit(5)])]),
        environmentState([api('a', 'http://u', [off])]),
      )[0]?.kind,
    ).toBe('enable-policy');
  });

  it('compares a value with a stored secret through the keyed check, and never shows either', async () => {
    const key = secretCheckKey('node-token');
    const stored = await sealSecret('correct horse', secretLocation('test', 'api', 'a', 'login', 'password'), key);
    const desired = (password: string) =>
      environmentState([api('a', 'http://u', [policy('login', 'basic-auth', { username: 'u', password })])]);
    const live = environmentState([
      api('a', 'http://u', [policy('login', 'basic-auth', { username: 'u', password: stored })]),
    ]);
    expect(computePlan(desired('correct horse'), live, { prune: true, secretCheckKey: key }).plan.changes).toEqual([]);
    const changed = computePlan(desired('battery staple'), live, { prune: true, secretCheckKey: key }).plan.changes;
    expect(changed).toEqual([
      {
        kind: 'update-policy',
        api: 'a',
        policy: 'login',
        type: 'basic-auth',
        fields: [{ path: 'config.password', before: '(secret)', after: '(secret)' }],
      },
    ]);
    expect(JSON.stringify(changed)).not.toContain('battery');
    // Another node's key (another admin token) cannot tell: the value is sent again and sealed anew.
    expect(
      computePlan(desired('correct horse'), live, { prune: true, secretCheckKey: secretCheckKey('other-token') }).plan
        .changes,
    ).toHaveLength(1);
    // A digest of an earlier version (salted SHA-256) is rewritten by the next apply that carries the value.
    const legacy = environmentState([
      api('a', 'http://u', [policy('login', 'basic-auth', { username: 'u', password: hashSecret('correct horse') })]),
    ]);
    expect(
      computePlan(desired('correct horse'), legacy, { prune: true, secretCheckKey: key }).plan.changes.map(
        (c) => c.kind,
      ),
    ).toEqual(['update-policy']);
  });

  it('application and contract changes', () => {
    const secret = hashSecret('s');
    const app = (tier: string) => ({
      name: 'mobile',
      clientId: 'm',
      clientSecret: secret,
      contracts: [{ api: 'a', version: 'v1', tier }],
    });
    const changes = diffStates(environmentState([], [app('gold')]), environmentState([], [app('silver')]));
    expect(changes).toEqual([
      {
        kind: 'update-application',
        application: 'mobile',
        fields: [{ path: 'contracts[0].tier', before: 'silver', after: 'gold' }],
      },
    ]);
  });

  it('without prune, a policy only the gateway has is kept after its live predecessor; a kept policy that breaks precedence is an error', () => {
    const tag = policy('tag', 'header-injection', { inboundHeaders: [] });
    const live = environmentState([api('a', 'http://u', [limit(5), allow(['1.1.1.1']), tag])]);
    const { plan, target } = computePlan(environmentState([api('a', 'http://u', [limit(5), tag])]), live, {
      prune: false,
    });
    expect(target.apis[0]!.chain.map((p) => p.name)).toEqual(['limit', 'office', 'tag']);
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((c) => c.kind)).toEqual(['remove-policy']);
    const broken = computePlan(
      environmentState([api('a', 'http://u', [tag, limit(5)])], [], { precedence: 'strict' }),
      environmentState([api('a', 'http://u', [allow(['1.1.1.1'])])], [], { precedence: 'strict' }),
      { prune: false },
    );
    expect(broken.plan.errors.join()).toMatch(/"limit" \(rate-limiting\) is listed after "office"/);
  });

  it('refuses to prune everything unless allowed', () => {
    const live = environmentState([api('a', 'http://u')]);
    expect(computePlan(environmentState([]), live, { prune: true }).plan.errors[0]).toMatch(/--allow-empty/);
    expect(computePlan(environmentState([]), live, { prune: true, allowEmpty: true }).plan.errors).toEqual([]);
  });
});
