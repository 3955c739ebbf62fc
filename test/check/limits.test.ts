import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENTS } from './fixture.js';
import { GitRepo, positionOf } from './git-repo.js';
import { checkJson, summarize } from './run.js';

/**
 * `tollgate check` on the limiting policies the rate-limit findings cover
 * besides rate-limiting: spike control, SLA tiers, and limiters removed,
 * disabled or scoped by new rules, each at its position in the head file.
 */

const PARTNERS = 'apis/partners.yaml';
const BASE = `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: partners
spec:
  version: v1
  basePath: /partners
  upstream: http://127.0.0.1:9
  environments: [production, sandbox]
  slaTiers:
    - name: gold
      limits:
        - { maximumRequests: 100, timePeriodInMilliseconds: 1000 }
        - { maximumRequests: 10000, timePeriodInMilliseconds: 86400000 }
  policies:
    - name: burst
      type: spike-control
      config: { maximumRequests: 20, timePeriodInMilliseconds: 1000 }
    - name: quota
      type: rate-limiting
      config:
        rateLimits:
          - { maximumRequests: 500, timePeriodInMilliseconds: 60000 }
    - name: ids
      type: client-id-enforcement
    - name: tiers
      type: rate-limiting-sla
`;

let repo: GitRepo;

beforeAll(() => {
  repo = new GitRepo();
  repo.write({ 'environments/environments.yaml': ENVIRONMENTS, [PARTNERS]: BASE }).commit('base');
  repo
    .branch('spike-raised', (r) =>
      r.edit(PARTNERS, [
        'config: { maximumRequests: 20, timePeriodInMilliseconds: 1000 }',
        'config: { maximumRequests: 80, timePeriodInMilliseconds: 1000 }',
      ]),
    )
    .branch('spike-slowed', (r) =>
      r.edit(PARTNERS, [
        'config: { maximumRequests: 20, timePeriodInMilliseconds: 1000 }',
        'config: { maximumRequests: 20, timePeriodInMilliseconds: 2000 }',
      ]),
    )
    .branch('tier-raised', (r) =>
      r.edit(PARTNERS, [
        '{ maximumRequests: 10000, timePeriodInMilliseconds: 86400000 }',
        '{ maximumRequests: 50000, timePeriodInMilliseconds: 86400000 }',
      ]),
    )
    .branch('limiter-removed', (r) =>
      r.edit(PARTNERS, [
        '    - name: quota\n      type: rate-limiting\n      config:\n        rateLimits:\n          - { maximumRequests: 500, timePeriodInMilliseconds: 60000 }\n',
        '',
      ]),
    )
    .branch('limiter-disabled', (r) =>
      r.edit(PARTNERS, ['      type: spike-control\n', '      type: spike-control\n      enabled: false\n']),
    )
    .branch('limiter-scoped', (r) =>
      r.edit(PARTNERS, [
        '      type: rate-limiting\n',
        '      type: rate-limiting\n      rules: [{ methods: [POST] }]\n',
      ]),
    )
    .branch('broken-base', (r) =>
      r.edit(PARTNERS, ['  basePath: /partners\n', '  basePath: /partners\n  basePath: /again\n']),
    )
    .branch('base-fixed', (r) => r.edit(PARTNERS, ['  basePath: /again\n', '']), 'broken-base');
});

afterAll(() => repo?.cleanup());

const check = (head: string) => checkJson(repo.dir, ['--base', 'main', '--head', head]);
const at = (head: string, needle: string, after?: string) => ({
  file: PARTNERS,
  ...positionOf(repo.git('show', `${head}:${PARTNERS}`), needle, after),
});
const both = ['production', 'sandbox'];

describe('tollgate check: spike control, SLA tiers, lost limiters', () => {
  it('spike control raised 4×: a warning at its maximumRequests', async () => {
    const { run, report } = await check('spike-raised');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('spike-raised', '80,'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "partners": spike-control "burst" raised from 20 per second to 80 per second (4×)',
    );
    expect(run.code).toBe(0);
  });

  it('spike control made stricter: nothing to report', async () => {
    expect((await check('spike-slowed')).report.findings).toEqual([]);
  });

  it('an SLA tier window raised 5×: a warning at that limit of the tier', async () => {
    const { report } = await check('tier-raised');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('tier-raised', '{ maximumRequests: 50000'), environments: both },
    ]);
    expect(report.findings[0]?.message).toMatch(
      /^Api "partners": SLA tier "gold" \(enforced by rate-limiting-sla "tiers"\) raised from 10000 to 50000 requests per day \(5×\)$/,
    );
  });

  it('a limiter removed: a warning at the policy list it was removed from', async () => {
    const { report } = await check('limiter-removed');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('limiter-removed', '- name: burst'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "partners": rate-limiting "quota" was removed: its limits no longer apply',
    );
  });

  it('a limiter disabled: a warning at its enabled flag', async () => {
    const { report } = await check('limiter-disabled');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('limiter-disabled', 'false', 'name: burst'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "partners": spike-control "burst" was disabled: its limits no longer apply',
    );
  });

  it('a limiter scoped by new rules: a warning at its rules', async () => {
    const { report } = await check('limiter-scoped');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('limiter-scoped', '[{ methods', 'name: quota'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "partners": rate-limiting "quota" now has rules and limits only the requests they match',
    );
  });
});

describe('tollgate check: a base that does not load', () => {
  it('is compared as far as it could be read, and the report says so: TG_BASE_UNREADABLE', async () => {
    const { run, report } = await checkJson(repo.dir, ['--base', 'broken-base', '--head', 'base-fixed']);
    const unreadable = report.findings.filter((f) => f.code === 'TG_BASE_UNREADABLE');
    expect(unreadable).toHaveLength(1);
    expect(unreadable[0]).toMatchObject({ severity: 'warning' });
    const base = repo.git('rev-parse', 'broken-base').trim().slice(0, 12);
    expect(unreadable[0]?.message).toBe(
      `the base ${base} has 1 load error (first: apis/partners.yaml:8:3: duplicate key "basePath": a key may appear once per mapping); what could not be read counts as absent there`,
    );
    expect(report.valid).toBe(true);
    expect(run.code).toBe(0);
  });
});
