import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/gateway-process.js';
import { BASE_FILES } from './fixture.js';
import { GitRepo, positionOf } from './git-repo.js';
import { checkJson, summarize, type CheckJson } from './run.js';

/**
 * `tollgate check` on a real git repository: one base commit on main and one
 * branch per kind of change; each is checked with --head <branch> (read from
 * git, nothing checked out) and the findings, their positions in the head
 * files and the exit codes are asserted.
 */

const ORDERS = 'apis/orders.yaml';
const ENVS = 'environments/environments.yaml';
let repo: GitRepo;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js')))
    throw new Error('run `npm run build` first: these tests spawn the built CLI');
  repo = new GitRepo();
  repo.write(BASE_FILES).commit('base');
  repo
    .branch('auth-disabled', (r) =>
      r.edit(ORDERS, ['      type: basic-auth\n', '      type: basic-auth\n      enabled: false\n']),
    )
    .branch('auth-disabled-in-sandbox', (r) =>
      r.edit(ORDERS, [
        '  tests:\n',
        '  overrides:\n    sandbox:\n      policies:\n        login: { enabled: false }\n  tests:\n',
      ]),
    )
    .branch('client-secret-optional', (r) =>
      r.edit('apis/catalog.yaml', [
        'config: { clientSecretExpression: "#[attributes.headers[\'client_secret\']]" }',
        "config: { clientSecretExpression: '' }",
      ]),
    )
    .branch('allowlist-open', (r) => r.edit(ORDERS, ['ips: [10.30.0.0/16]', 'ips: [0.0.0.0/0]']))
    .branch('allowlist-widened', (r) =>
      r.edit(ORDERS, ['ips: [10.30.0.0/16]', 'ips: [10.30.0.0/16, 10.0.0.0/8, 64.0.0.0/3, 192.168.7.0/24]']),
    )
    .branch('allowlist-removed', (r) =>
      r.edit(ORDERS, [
        '    - name: office\n      type: ip-allowlist\n      config:\n        ips: [10.30.0.0/16]\n',
        '',
      ]),
    )
    .branch('rate-raised', (r) =>
      r.edit(
        ORDERS,
        [
          '{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }',
          '{ maximumRequests: 20, timePeriodInMilliseconds: 1000 }',
        ],
        ['          - { maximumRequests: 1000, timePeriodInMilliseconds: 3600000 }\n', ''],
      ),
    )
    .branch('rate-raised-a-little', (r) =>
      r.edit(ORDERS, [
        '{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }',
        '{ maximumRequests: 15, timePeriodInMilliseconds: 1000 }',
      ]),
    )
    .branch('rate-per-key', (r) =>
      r.edit(ORDERS, [
        '        exposeHeaders: true\n',
        '        exposeHeaders: true\n        keySelector: { source: ip }\n',
      ]),
    )
    .branch('rate-behind-proxies', (r) =>
      r.edit(ORDERS, [
        '        exposeHeaders: true\n',
        '        exposeHeaders: true\n        keySelector: { source: ip, clientIpHeader: X-Forwarded-For, trustedProxies: [10.20.0.0/16] }\n',
      ]),
    )
    .branch(
      'rate-proxies-widened',
      (r) => r.edit(ORDERS, ['trustedProxies: [10.20.0.0/16]', 'trustedProxies: [10.0.0.0/8]']),
      'rate-behind-proxies',
    )
    .branch('cors-star-credentials', (r) => r.edit(ORDERS, ['origins: [https://app.example.com]', 'origins: ["*"]']))
    .branch('cors-public', (r) =>
      r.edit(ORDERS, [
        'publicResource: false\n        supportCredentials: true',
        'publicResource: true\n        supportCredentials: false',
      ]),
    )
    .branch('cors-added-with-defaults', (r) =>
      r.edit('apis/catalog.yaml', [
        '  policies:\n',
        '  policies:\n    - name: browsers\n      type: cors\n      config: {}\n',
      ]),
    )
    .branch('threat-loosened', (r) =>
      r.edit(ORDERS, [
        'config: { maxContainerDepth: 8, maxStringValueLength: 1000 }',
        'config: { maxContainerDepth: 64 }',
      ]),
    )
    .branch('plaintext-secret', (r) =>
      r.edit(ORDERS, [
        'password: { salt: orders-salt-0001, sha256: d05299798997a9dd61686b3f5a3cf69444899c75a02bb139d4ce839863f84ecc }',
        'password: pw',
      ]),
    )
    .branch('reorder-allowed', (r) =>
      r.edit(
        ORDERS,
        [
          '    - name: office\n      type: ip-allowlist\n      config:\n        ips: [10.30.0.0/16]\n    - name: login\n      type: basic-auth\n      config:\n        username: ops\n',
          '    - name: login\n      type: basic-auth\n      config:\n        username: ops\n        password: { salt: orders-salt-0001, sha256: d05299798997a9dd61686b3f5a3cf69444899c75a02bb139d4ce839863f84ecc }\n    - name: office\n      type: ip-allowlist\n      config:\n        ips: [10.30.0.0/16]\n    - name: dropme\n      type: basic-auth\n      config:\n        username: ops\n',
        ],
        [
          '    - name: dropme\n      type: basic-auth\n      config:\n        username: ops\n        password: { salt: orders-salt-0001, sha256: d05299798997a9dd61686b3f5a3cf69444899c75a02bb139d4ce839863f84ecc }\n',
          '',
        ],
      ),
    )
    .branch('reorder-against-precedence', (r) =>
      r.edit(
        ORDERS,
        [
          '    - name: quota\n      type: rate-limiting\n      config:\n        rateLimits:\n          - { maximumRequests: 10, timePeriodInMilliseconds: 1000 }\n          - { maximumRequests: 1000, timePeriodInMilliseconds: 3600000 }\n        exposeHeaders: true\n',
          '',
        ],
        [
          '    - name: body-limits\n',
          '    - name: quota\n      type: rate-limiting\n      config:\n        rateLimits:\n          - { maximumRequests: 10, timePeriodInMilliseconds: 1000 }\n          - { maximumRequests: 1000, timePeriodInMilliseconds: 3600000 }\n        exposeHeaders: true\n    - name: body-limits\n',
        ],
      ),
    )
    .branch('precedence-relaxed', (r) => r.edit(ENVS, ['precedence: strict', 'precedence: cors-first']))
    .branch('automated-collision', (r) =>
      r.edit(ENVS, [
        '  policies:\n    - name: audit-log\n',
        '  policies:\n    - name: global-limit\n      type: rate-limiting\n      config:\n        rateLimits: [{ maximumRequests: 5000, timePeriodInMilliseconds: 1000 }]\n    - name: audit-log\n',
      ]),
    )
    .branch('harmless', (r) =>
      r.edit(
        ORDERS,
        ['upstream: http://127.0.0.1:9', 'upstream: http://127.0.0.1:10'],
        [
          '{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }',
          '{ maximumRequests: 8, timePeriodInMilliseconds: 1000 }',
        ],
      ),
    );
});

afterAll(() => repo?.cleanup());

async function check(head: string, ...args: string[]): Promise<{ code: number | null; report: CheckJson }> {
  const { run, report } = await checkJson(repo.dir, ['--base', 'main', '--head', head, ...args]);
  return { code: run.code, report };
}

/** Position of `needle` in the head's version of `file`. */
function at(head: string, file: string, needle: string, after?: string) {
  return { file, ...positionOf(repo.git('show', `${head}:${file}`), needle, after) };
}

const both = ['production', 'sandbox'];

describe('tollgate check: authentication', () => {
  it('an authentication policy disabled, leaving none: an error at its enabled flag, exit 1', async () => {
    const { code, report } = await check('auth-disabled');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_AUTH_REMOVED', ...at('auth-disabled', ORDERS, 'false', 'name: login'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "orders": basic-auth "login" was disabled, and no enabled policy authenticates callers any more: the Api is open to anyone',
    );
    expect(code).toBe(1);
    expect(report.exitCode).toBe(1);
  });

  it("disabled by one environment's override: reported there, at the override", async () => {
    const { report } = await check('auth-disabled-in-sandbox');
    expect(summarize(report.findings)).toEqual([
      {
        code: 'TG_AUTH_REMOVED',
        ...at('auth-disabled-in-sandbox', ORDERS, 'false', 'login: { enabled'),
        environments: ['sandbox'],
      },
    ]);
  });

  it('a client id accepted without its secret: a warning, exit 0', async () => {
    const { code, report } = await check('client-secret-optional');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_AUTH_WEAKENED', ...at('client-secret-optional', 'apis/catalog.yaml', "''"), environments: both },
    ]);
    expect(code).toBe(0);
  });
});

describe('tollgate check: IP allowlists', () => {
  it('opened to 0.0.0.0/0: an error at the range', async () => {
    const { code, report } = await check('allowlist-open');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_IP_ALLOWLIST_OPENED', ...at('allowlist-open', ORDERS, '0.0.0.0/0'), environments: both },
    ]);
    expect(code).toBe(1);
  });

  it('a range containing a former one, a very broad one: warnings; an unrelated narrow range: nothing', async () => {
    const { code, report } = await check('allowlist-widened');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_IP_ALLOWLIST_WIDENED', ...at('allowlist-widened', ORDERS, '10.0.0.0/8'), environments: both },
      { code: 'TG_IP_ALLOWLIST_WIDENED', ...at('allowlist-widened', ORDERS, '64.0.0.0/3'), environments: both },
    ]);
    expect(report.findings.map((f) => f.message)).toEqual([
      'Api "orders": ip-allowlist "office" widened: 10.0.0.0/8 contains the former 10.30.0.0/16 and more',
      'Api "orders": ip-allowlist "office" widened: 64.0.0.0/3 is very broad',
    ]);
    expect(code).toBe(0);
  });

  it('removed: an error at the policy list it was in', async () => {
    const { report } = await check('allowlist-removed');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_IP_ALLOWLIST_OPENED', ...at('allowlist-removed', ORDERS, '- name: browsers'), environments: both },
    ]);
  });
});

describe('tollgate check: rate limits', () => {
  it('a window raised 2× and a window removed: warnings at the limit and at the list', async () => {
    const { code, report } = await check('rate-raised');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('rate-raised', ORDERS, '- { maximumRequests: 20'), environments: both },
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('rate-raised', ORDERS, '20,'), environments: both },
    ]);
    expect(report.findings.map((f) => f.message).sort()).toEqual([
      'Api "orders": rate-limiting "quota" raised from 10 to 20 requests per second (2×)',
      'Api "orders": rate-limiting "quota" the per-hour window (1000 requests) was removed',
    ]);
    expect(code).toBe(0);
    const strict = await check('rate-raised', '--fail-on', 'warning');
    expect(strict.code).toBe(1);
  });

  it('below the factor nothing is reported; --rate-limit-factor makes it stricter', async () => {
    expect((await check('rate-raised-a-little')).report.findings).toEqual([]);
    const { report } = await check('rate-raised-a-little', '--rate-limit-factor', '1.5');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('rate-raised-a-little', ORDERS, '15,'), environments: both },
    ]);
  });

  it('a whole-Api limit now counted per client IP', async () => {
    const { report } = await check('rate-per-key');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('rate-per-key', ORDERS, '{ source: ip }'), environments: both },
    ]);
  });

  it('a per-client limit that trusts the client-address header from more proxies', async () => {
    const { report } = await checkJson(repo.dir, ['--base', 'rate-behind-proxies', '--head', 'rate-proxies-widened']);
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_RATE_LIMIT_LOOSENED', ...at('rate-proxies-widened', ORDERS, '10.0.0.0/8'), environments: both },
    ]);
    expect(report.findings[0]?.message).toContain('10.0.0.0/8 contains the former 10.20.0.0/16');
  });
});

describe('tollgate check: CORS and threat protection', () => {
  it('"*" with credentials: an error (validation refuses the config too)', async () => {
    const { code, report } = await check('cors-star-credentials');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_CORS_OPEN_WITH_CREDENTIALS', ...at('cors-star-credentials', ORDERS, '"*"'), environments: both },
    ]);
    expect(report.validation.map((d) => d.code)).toContain('TG_POLICY_CONFIG');
    expect(code).toBe(1);
  });

  it('publicResource without credentials: a warning', async () => {
    const { code, report } = await check('cors-public');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_CORS_OPENED', ...at('cors-public', ORDERS, 'true'), environments: both },
    ]);
    expect(code).toBe(0);
  });

  it('a CORS policy added with an empty config: its default (publicResource: true) admits any origin', async () => {
    const { report } = await check('cors-added-with-defaults');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_CORS_OPENED', ...at('cors-added-with-defaults', 'apis/catalog.yaml', '{}'), environments: both },
    ]);
    expect(report.findings[0]?.message).toBe(
      'Api "catalog": cors "browsers" added, admitting any origin (publicResource: true)',
    );
  });

  it('a limit raised and a limit unset: two warnings', async () => {
    const { report } = await check('threat-loosened');
    // Sorted by position: an unset limit points at the config it is missing from.
    expect(report.findings.map((f) => f.message)).toEqual([
      'Api "orders": json-threat-protection "body-limits" maxStringValueLength is now unlimited (was 1000)',
      'Api "orders": json-threat-protection "body-limits" maxContainerDepth raised from 8 to 64',
    ]);
    expect(summarize(report.findings)).toEqual([
      {
        code: 'TG_THREAT_PROTECTION_LOOSENED',
        ...at('threat-loosened', ORDERS, '{ maxContainerDepth'),
        environments: both,
      },
      { code: 'TG_THREAT_PROTECTION_LOOSENED', ...at('threat-loosened', ORDERS, '64'), environments: both },
    ]);
  });
});

describe('tollgate check: secrets', () => {
  it("a plain-text secret added: an error besides validation's warning; the value is never printed", async () => {
    const { code, report } = await check('plaintext-secret');
    const where = at('plaintext-secret', ORDERS, 'pw\n');
    expect(summarize(report.findings)).toEqual([{ code: 'TG_SECRET_ADDED', ...where }]);
    expect(report.validation.map((d) => ({ code: d.code, line: d.line }))).toEqual([
      { code: 'TG_PLAINTEXT_SECRET', line: where.line },
    ]);
    expect(JSON.stringify(report.findings)).not.toMatch(/"pw"|: pw/);
    expect(code).toBe(1);
  });
});

describe('tollgate check: precedence and order', () => {
  it('a reorder the profile allows: a warning naming what moved', async () => {
    const { code, report } = await check('reorder-allowed');
    // login and office swapped: either one moved; the declared positions are the same in both environments.
    const where = at('reorder-allowed', ORDERS, 'name: office');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_CHAIN_REORDERED', ...where, environments: ['production'] },
      { code: 'TG_CHAIN_REORDERED', ...where, environments: ['sandbox'] },
    ]);
    expect(report.findings.map((f) => f.message)).toEqual([
      'Api "orders": ip-allowlist "office" moved from position 3 to 4 of its policies (now before "body-limits"); allowed by profile "strict"',
      'Api "orders": ip-allowlist "office" moved from position 3 to 4 of its policies (now before "body-limits"); allowed by profile "cors-first"',
    ]);
    expect(code).toBe(0);
  });

  it('a reorder against strict precedence: an error in production, allowed under cors-first in sandbox', async () => {
    const { code, report } = await check('reorder-against-precedence');
    const where = at('reorder-against-precedence', ORDERS, 'name: quota');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_CHAIN_REORDERED', ...where, environments: ['sandbox'] },
      { code: 'TG_REORDER_FORBIDDEN', ...where, environments: ['production'] },
    ]);
    expect(report.findings[1]?.message).toContain('not allowed: profile "strict" fixes the head of every chain');
    expect(report.validation.map((d) => d.code)).toContain('TG_PRECEDENCE');
    expect(code).toBe(1);
  });

  it('precedence relaxed: a warning, and the automated policy now running ahead of Api rate limits names the owners of both files', async () => {
    const { code, report } = await check('precedence-relaxed');
    expect(summarize(report.findings)).toEqual([
      { code: 'TG_PRECEDENCE_RELAXED', ...at('precedence-relaxed', ENVS, 'cors-first'), environments: ['production'] },
      {
        code: 'TG_ENV_POLICY_CONFLICT',
        ...at('precedence-relaxed', ENVS, 'name: audit-log'),
        environments: ['production'],
      },
    ]);
    const conflict = report.findings[1];
    expect(conflict?.message).toBe(
      'environment "production": automated message-logging "audit-log" now runs ahead of API-level policies that ran first (precedence changed from strict to cors-first): catalog ("per-ip"), orders ("quota"). ' +
        'Both sides have to agree: environments/environments.yaml: @platform-team @sre; apis/catalog.yaml: @catalog-team; apis/orders.yaml: @api-guild.',
    );
    expect(conflict?.owners).toEqual([
      { file: ENVS, owners: ['@platform-team', '@sre'] },
      { file: 'apis/catalog.yaml', owners: ['@catalog-team'] },
      { file: ORDERS, owners: ['@api-guild'] },
    ]);
    expect(code).toBe(0);
  });

  it("an automated policy of a type Apis apply themselves: validation's error, and the owners of both sides", async () => {
    const { code, report } = await check('automated-collision');
    const conflict = report.findings.find((f) => f.code === 'TG_ENV_POLICY_CONFLICT');
    expect(conflict).toMatchObject({
      ...at('automated-collision', ENVS, 'name: global-limit'),
      environments: ['production'],
    });
    expect(conflict?.message).toContain('is newly applied to every Api, but these Apis apply rate-limiting themselves');
    expect(conflict?.message).toContain('catalog ("per-ip"), orders ("quota")');
    expect(conflict?.owners?.map((o) => o.file)).toEqual([ENVS, 'apis/catalog.yaml', ORDERS]);
    expect(report.validation.filter((d) => d.code === 'TG_AUTOMATED_CONFLICT').map((d) => d.file)).toEqual([
      'apis/catalog.yaml',
      ORDERS,
    ]);
    expect(code).toBe(1);
  });
});

describe('tollgate check: plans and clean changes', () => {
  it('a harmless change: no findings, exit 0, a plan per environment', async () => {
    const { code, report } = await check('harmless');
    expect(report.findings).toEqual([]);
    expect(report.validation).toEqual([]);
    expect(code).toBe(0);
    expect(report.changedFiles).toEqual([ORDERS]);
    expect(report.plans.map((p) => [p.environment, p.status, p.changes.map((c) => c.kind)])).toEqual([
      ['production', 'changed', ['update-api', 'update-policy']],
      ['sandbox', 'changed', ['update-api', 'update-policy']],
    ]);
    expect(report.tests.totals).toEqual({ passed: 4, failed: 0, skipped: 0 });
  });

  it('a changed policy test result fails the check: the disabled login lets anonymous callers in', async () => {
    const { report } = await check('auth-disabled');
    expect(report.tests.results.filter((r) => r.outcome === 'failed').map((r) => `${r.test}`)).toEqual([
      'anonymous callers get 401',
      'anonymous callers get 401',
    ]);
  });
});
