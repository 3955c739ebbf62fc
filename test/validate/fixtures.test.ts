import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { validatePaths } from '../../src/validate/index.js';

/**
 * One broken repository per rule under test/fixtures/invalid/<rule>/, each a
 * self-contained set of manifests. Every diagnostic is asserted exactly: code,
 * severity, file, line, column and the part of the message a user acts on.
 */

const INVALID = fileURLToPath(new URL('../fixtures/invalid/', import.meta.url));
const VALID = fileURLToPath(new URL('../fixtures/valid/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Expected {
  code: Diagnostic['code'];
  severity?: Diagnostic['severity'];
  /** Relative to the fixture folder; undefined for diagnostics without a place. */
  file: string | undefined;
  line?: number;
  col?: number;
  /** Substrings (or patterns) the message must contain. */
  message: (string | RegExp)[];
  path?: string;
}

interface Case {
  fixture: string;
  env?: string;
  valid: boolean;
  diagnostics: Expected[];
}

const error = (e: Omit<Expected, 'severity'>): Expected => ({ ...e, severity: 'error' });
const warning = (e: Omit<Expected, 'severity'>): Expected => ({ ...e, severity: 'warning' });

const CASES: Case[] = [
  // ── YAML ────────────────────────────────────────────────────────────────
  {
    fixture: 'yaml-syntax',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_YAML_SYNTAX',
        file: 'orders.yaml',
        line: 7,
        col: 18,
        message: ['Nested mappings are not allowed in compact mappings'],
      }),
    ],
  },
  {
    fixture: 'duplicate-key',
    valid: false,
    diagnostics: [error({ code: 'TG_YAML_SYNTAX', file: 'orders.yaml', line: 10, col: 3, message: ['duplicate key'] })],
  },
  {
    fixture: 'tab-indentation',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_YAML_SYNTAX',
        file: 'orders.yaml',
        line: 10,
        col: 1,
        message: ['tabs are not allowed for indentation'],
      }),
    ],
  },
  // ── document shape ─────────────────────────────────────────────────────
  {
    fixture: 'unknown-kind',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_KIND',
        file: 'orders.yaml',
        line: 3,
        col: 7,
        path: 'kind',
        message: ['kind must be one of Environment, Api, Application', 'got "Service"'],
      }),
    ],
  },
  {
    fixture: 'wrong-api-version',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_KIND',
        file: 'orders.yaml',
        line: 2,
        col: 13,
        path: 'apiVersion',
        message: ['apiVersion must be "tollgate.dev/v1"', 'got "tollgate.dev/v1beta1"'],
      }),
    ],
  },
  {
    fixture: 'unknown-field',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 10,
        col: 3,
        path: 'spec.timout',
        message: ['unknown field "timout"', '(did you mean "timeout"?)'],
      }),
    ],
  },
  {
    fixture: 'wrong-type',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 10,
        col: 17,
        path: 'spec.environments',
        message: ['spec.environments: must be array, got string'],
      }),
    ],
  },
  {
    fixture: 'missing-required',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 7,
        col: 3,
        path: 'spec',
        message: ['missing required field "upstream"'],
      }),
    ],
  },
  {
    fixture: 'bad-duration',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 10,
        col: 12,
        path: 'spec.timeout',
        message: ['spec.timeout: must be a duration', '30s'],
      }),
    ],
  },
  {
    fixture: 'bad-cidr',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 17,
        col: 13,
        path: 'spec.policies[0].config.ips[1]',
        message: ['"10.31.0.0/33" is not an IPv4 or IPv6 address, a CIDR range'],
      }),
    ],
  },
  {
    fixture: 'bad-url',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 9,
        col: 13,
        path: 'spec.upstream',
        message: ['"orders.internal:8080" is not an absolute http:// or https:// URL'],
      }),
    ],
  },
  {
    fixture: 'bad-regex',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 15,
        col: 17,
        path: 'spec.policies[0].rules[0].path',
        message: ['is not a valid regular expression'],
      }),
    ],
  },
  {
    // Reference (Expressions): DataWeave's #[...] subset; what is not supported is refused at the token, in the file.
    fixture: 'bad-expression',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_EXPRESSION',
        file: 'orders.yaml',
        line: 16,
        col: 59,
        path: 'spec.policies[0].config.keySelector',
        message: ['vars are not supported'],
      }),
      error({
        code: 'TG_EXPRESSION',
        file: 'orders.yaml',
        line: 21,
        col: 40,
        path: 'spec.policies[1].config.inboundHeaders[0].value',
        message: ['functions such as upper(...) are not supported'],
      }),
      error({
        code: 'TG_EXPRESSION',
        file: 'orders.yaml',
        line: 28,
        col: 31,
        path: 'spec.policies[2].config.loggingConfiguration[0].itemData.conditional',
        message: ['gives a string; a boolean is expected'],
      }),
    ],
  },
  {
    // Reference (ip-allowlist): "ipExpression (default: the first X-Forwarded-For address)": believed from any peer, hence the warning.
    fixture: 'ip-expression-spoofable',
    valid: true,
    diagnostics: [
      warning({
        code: 'TG_CLIENT_ADDRESS_SPOOFABLE',
        file: 'orders.yaml',
        line: 16,
        col: 23,
        path: 'spec.policies[0].config.ipExpression',
        message: ['x-forwarded-for header of any peer', 'trustedProxies'],
      }),
    ],
  },
  {
    fixture: 'multiple-problems',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 8,
        col: 13,
        path: 'spec.basePath',
        message: ['"orders" is not valid'],
      }),
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 15,
        col: 41,
        path: 'spec.policies[0].config.rateLimits[0].maximumRequests',
        message: ['must be >= 1'],
      }),
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 18,
        col: 23,
        path: 'spec.policies[1].config.ips[0]',
        message: ['"10.300.0.0/16" is not an IPv4 or IPv6 address'],
      }),
    ],
  },
  // ── precedence ─────────────────────────────────────────────────────────
  {
    // The reference example: rate limiting placed after an IP filter.
    fixture: 'precedence-strict',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_PRECEDENCE',
        file: 'orders.yaml',
        line: 15,
        col: 7,
        path: 'spec.policies[1]',
        message: [
          '"quota" (rate-limiting) is listed after "office-only" (ip-allowlist)',
          'profile "strict"',
          'Expected order: quota → office-only',
        ],
      }),
    ],
  },
  {
    fixture: 'precedence-cors-first',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_PRECEDENCE',
        file: 'orders.yaml',
        line: 16,
        col: 7,
        path: 'spec.policies[1]',
        message: [
          '"browsers" (cors) is listed after "tag" (header-injection)',
          'profile "cors-first" fixes cors first',
          'Expected order: browsers → tag',
        ],
      }),
    ],
  },
  {
    // spike-control after ip-allowlist: deployed to a strict and a cors-first environment.
    fixture: 'precedence-strict-only',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_PRECEDENCE',
        file: 'orders.yaml',
        line: 15,
        col: 7,
        message: [
          '"burst-guard" (spike-control) is listed after "office-only" (ip-allowlist)',
          'profile "strict"',
          'Expected order: burst-guard → office-only',
        ],
      }),
    ],
  },
  {
    fixture: 'precedence-strict-only',
    env: 'production',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_PRECEDENCE',
        file: 'orders.yaml',
        line: 15,
        col: 7,
        message: ['profile "strict"', 'Expected order: burst-guard → office-only'],
      }),
    ],
  },
  { fixture: 'precedence-strict-only', env: 'sandbox', valid: true, diagnostics: [] },
  // ── chains ─────────────────────────────────────────────────────────────
  {
    fixture: 'automated-conflict',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_AUTOMATED_CONFLICT',
        file: 'orders.yaml',
        line: 13,
        col: 13,
        path: 'spec.policies[0].type',
        message: [
          '"bad-partners" (ip-blocklist) is already applied to every API of environment "production" as automated policy "known-abusers"',
        ],
      }),
    ],
  },
  {
    fixture: 'exclusive-conflict',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_CHARACTERISTIC_CONFLICT',
        file: 'orders.yaml',
        line: 15,
        col: 7,
        path: 'spec.policies[1]',
        message: ['"partner-login" and "staff-login" both provide "Requires authentication"', 'scope both with rules'],
      }),
    ],
  },
  {
    fixture: 'cors-public-credentials',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_POLICY_CONFIG',
        file: 'orders.yaml',
        line: 16,
        col: 29,
        path: 'spec.policies[0].config.supportCredentials',
        message: ['cors "browsers"', 'cannot support credentials'],
      }),
    ],
  },
  {
    fixture: 'stacked-limits-same-window',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_POLICY_CONFIG',
        file: 'orders.yaml',
        line: 18,
        col: 62,
        path: 'spec.policies[0].config.rateLimits[2].timePeriodInMilliseconds',
        message: ['two limits share the window 1000 ms (entries 0 and 2)'],
      }),
    ],
  },
  {
    fixture: 'sla-without-tiers',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SLA_TIER',
        file: 'orders.yaml',
        line: 14,
        col: 7,
        path: 'spec.policies[1]',
        message: ['"tier-quota" (rate-limiting-sla)', 'defines no slaTiers'],
      }),
    ],
  },
  {
    fixture: 'sla-contract-without-tier',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SLA_TIER',
        file: 'mobile-app.yaml',
        line: 10,
        col: 7,
        path: 'spec.contracts[0]',
        message: ['this contract needs a tier (one of: gold)'],
      }),
    ],
  },
  {
    fixture: 'override-breaks-schema',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 20,
        col: 27,
        path: 'spec.overrides.dev.policies.burst-guard.config.queuingLimit',
        message: ['spec.overrides.dev.policies.burst-guard.config.queuingLimit: must be >= 0'],
      }),
    ],
  },
  {
    fixture: 'custom-module-missing',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_CUSTOM_POLICY',
        file: 'orders.yaml',
        line: 15,
        col: 17,
        path: 'spec.policies[0].config.module',
        message: ['custom policy "fraud-score": module ./policies/fraud-score.js not found'],
      }),
    ],
  },
  {
    // The catalog gives config-vs-own-schema mismatches to TG_CUSTOM_POLICY; TG_SCHEMA's rule talks about schemas/.
    fixture: 'custom-schema-mismatch',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_CUSTOM_POLICY',
        file: 'orders.yaml',
        line: 17,
        col: 30,
        message: ['threshold', 'must be <= 1'],
      }),
    ],
  },
  // ── names and references ───────────────────────────────────────────────
  {
    fixture: 'duplicate-api-name',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_DUPLICATE_NAME',
        file: 'orders-v2.yaml',
        line: 5,
        col: 9,
        path: 'metadata.name',
        message: ['Api "orders" is defined twice', /the first is at .*orders-v1\.yaml:5:9/],
      }),
    ],
  },
  {
    fixture: 'duplicate-policy-name',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_DUPLICATE_NAME',
        file: 'orders.yaml',
        line: 16,
        col: 13,
        path: 'spec.policies[1].name',
        message: ['policy name "headers" is used twice in this chain (entries 0 and 1)'],
      }),
    ],
  },
  {
    fixture: 'unknown-environment',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_ENVIRONMENT',
        file: 'orders.yaml',
        line: 10,
        col: 23,
        message: ['Api "orders" is deployed to environment "staging", which is not defined'],
      }),
    ],
  },
  {
    fixture: 'override-undeployed-environment',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_ENVIRONMENT',
        file: 'orders.yaml',
        line: 12,
        col: 5,
        path: 'spec.overrides.production',
        message: ['overrides for "production", but Api "orders" is not deployed there'],
      }),
    ],
  },
  {
    fixture: 'override-unknown-policy',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_POLICY',
        file: 'orders.yaml',
        line: 19,
        col: 9,
        path: 'spec.overrides.dev.policies.qouta',
        message: ['override for policy "qouta"', '(its policies: quota)'],
      }),
    ],
  },
  {
    fixture: 'contract-unknown-api',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_REFERENCE',
        file: 'mobile-app.yaml',
        line: 10,
        col: 12,
        path: 'spec.contracts[0].api',
        message: ['contract names Api "order", which is not defined'],
      }),
    ],
  },
  {
    fixture: 'contract-unknown-version',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_REFERENCE',
        file: 'mobile-app.yaml',
        line: 11,
        col: 16,
        path: 'spec.contracts[0].version',
        message: ['version "v2" of Api "orders", which serves version "v1"'],
      }),
    ],
  },
  {
    fixture: 'contract-unknown-tier',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_REFERENCE',
        file: 'mobile-app.yaml',
        line: 10,
        col: 41,
        path: 'spec.contracts[0].tier',
        message: ['SLA tier "platinum"', '(its tiers: gold)'],
      }),
    ],
  },
  {
    fixture: 'contract-environment-not-deployed',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_ENVIRONMENT',
        file: 'mobile-app.yaml',
        line: 12,
        col: 27,
        path: 'spec.contracts[0].environments[1]',
        message: ['environment "production", where Api "orders" is not deployed'],
      }),
    ],
  },
  {
    fixture: 'base-path-same',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_BASE_PATH_OVERLAP',
        file: 'payments.yaml',
        line: 8,
        col: 13,
        path: 'spec.basePath',
        message: ['Api "payments" (/shop) has the same base path as Api "orders" (/shop)'],
      }),
    ],
  },
  {
    fixture: 'base-path-nested',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_BASE_PATH_OVERLAP',
        file: 'orders.yaml',
        line: 8,
        col: 13,
        path: 'spec.basePath',
        message: ['Api "orders" (/shop/orders) has a base path inside that of Api "shop" (/shop)'],
      }),
    ],
  },
  // ── alerts ─────────────────────────────────────────────────────────────
  {
    fixture: 'alert-references',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_ENVIRONMENT',
        file: 'alerts.yaml',
        line: 7,
        col: 23,
        path: 'spec.environments[1]',
        message: ['Alert "throttled": environment "staging" is not defined'],
      }),
      error({
        code: 'TG_UNKNOWN_REFERENCE',
        file: 'alerts.yaml',
        line: 8,
        col: 18,
        path: 'spec.apis[1]',
        message: ['Api "payments" is not defined'],
      }),
      error({
        code: 'TG_UNKNOWN_POLICY',
        file: 'alerts.yaml',
        line: 10,
        col: 11,
        path: 'spec.policy',
        message: ['no watched Api has a policy "qouta"'],
      }),
    ],
  },
  {
    fixture: 'alert-misconfigured',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_ALERT_CONFIG',
        file: 'alerts.yaml',
        line: 9,
        col: 10,
        path: 'spec.codes',
        message: ['only a response-code alert counts codes'],
      }),
      error({
        code: 'TG_ALERT_CONFIG',
        file: 'alerts.yaml',
        line: 10,
        col: 11,
        path: 'spec.period',
        message: ['a period lasts at least 1s'],
      }),
      error({
        code: 'TG_ALERT_CONFIG',
        file: 'alerts.yaml',
        line: 15,
        col: 15,
        path: 'spec.notify[0].secret',
        message: ['a Slack webhook is not signed'],
      }),
      warning({
        code: 'TG_PLAINTEXT_SECRET',
        file: 'alerts.yaml',
        line: 17,
        col: 15,
        path: 'spec.notify[1].secret',
        message: ['the webhook secret of alert "slow" is written in clear text'],
      }),
      warning({
        code: 'TG_PLAINTEXT_SECRET',
        file: 'alerts.yaml',
        line: 18,
        col: 16,
        path: 'spec.notify[2].webhook',
        message: ['the Slack webhook URL of alert "slow"'],
      }),
    ],
  },
  // ── warnings and options ───────────────────────────────────────────────
  {
    fixture: 'plaintext-secret',
    valid: true,
    diagnostics: [
      warning({
        code: 'TG_PLAINTEXT_SECRET',
        file: 'orders.yaml',
        line: 16,
        col: 19,
        message: ['basic-auth "staff-login" password is written in clear text'],
      }),
    ],
  },
  {
    fixture: 'empty-environment',
    valid: true,
    diagnostics: [
      warning({
        code: 'TG_EMPTY_ENVIRONMENT',
        file: 'environment.yaml',
        line: 16,
        col: 9,
        path: 'metadata.name',
        message: ['no Api is deployed to environment "staging"'],
      }),
    ],
  },
  { fixture: 'unknown-env-filter', valid: true, diagnostics: [] },
  {
    fixture: 'unknown-env-filter',
    env: 'staging',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_UNKNOWN_ENV_FILTER',
        file: undefined,
        message: ['environment "staging" is not defined (defined: dev)'],
      }),
    ],
  },
  // ── once bugs, now fixed: each pinned to the diagnostic the fix gives ──
  {
    fixture: 'environment-yaml-error-cascade',
    valid: false,
    diagnostics: [
      error({ code: 'TG_YAML_SYNTAX', file: 'environment.yaml', line: 13, col: 3, message: ['duplicate key'] }),
    ],
  },
  {
    fixture: 'override-plaintext-secret',
    valid: true,
    diagnostics: [
      warning({
        code: 'TG_PLAINTEXT_SECRET',
        file: 'orders.yaml',
        line: 22,
        col: 23,
        message: ['basic-auth "staff-login" password is written in clear text'],
      }),
    ],
  },
  {
    fixture: 'ip-header-without-trusted-proxies',
    valid: false,
    // On the config object that lacks trustedProxies.
    diagnostics: [
      error({
        code: 'TG_SCHEMA',
        file: 'orders.yaml',
        line: 15,
        col: 9,
        path: 'spec.policies[0].config',
        message: ['missing required field "trustedProxies"'],
      }),
    ],
  },
  {
    fixture: 'rate-limit-ip-header-without-trusted-proxies',
    valid: false,
    diagnostics: [
      error({ code: 'TG_SCHEMA', file: 'orders.yaml', line: 16, col: 22, message: ['keySelector', 'trustedProxies'] }),
    ],
  },
  {
    fixture: 'sla-tier-missing-in-environment',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SLA_TIER',
        file: 'trial-user.yaml',
        line: 10,
        col: 41,
        path: 'spec.contracts[0].tier',
        message: [
          'SLA tier "trial" is not defined for Api "orders" in environment "production"',
          '(tiers there: gold)',
        ],
      }),
    ],
  },
  {
    fixture: 'sla-tier-same-window',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_SLA_TIER',
        file: 'orders.yaml',
        line: 15,
        col: 61,
        path: 'spec.slaTiers[0].limits[1].timePeriodInMilliseconds',
        message: ['two limits share the window 1000 ms (entries 0 and 1)'],
      }),
    ],
  },
  {
    // The gateway keys applications by clientId (gateway/chain/compile.ts): the second silently replaces the first.
    fixture: 'duplicate-client-id',
    valid: false,
    diagnostics: [
      error({
        code: 'TG_DUPLICATE_NAME',
        file: 'web-app.yaml',
        line: 7,
        col: 13,
        message: ['"storefront"', 'mobile-app'],
      }),
    ],
  },
];

function messageMatches(message: string, part: string | RegExp): boolean {
  return typeof part === 'string' ? message.includes(part) : part.test(message);
}

function check(fixtureDir: string, got: Diagnostic[], expected: Expected[]): void {
  const shown = got.map(
    (d) =>
      `${d.severity} ${d.code} ${d.file ? path.relative(fixtureDir, d.file) : '-'}:${d.line}:${d.col} ${d.message}`,
  );
  expect(got.length, `diagnostics:\n${shown.join('\n')}`).toBe(expected.length);
  expected.forEach((e, i) => {
    const d = got[i] as Diagnostic;
    const where = `diagnostic ${i}: ${shown[i]}`;
    expect(d.code, where).toBe(e.code);
    expect(d.severity, where).toBe(e.severity);
    // One place: file, line and column together.
    const place = (file: string | undefined, line: number | undefined, col: number | undefined) =>
      `${file ?? '-'}:${line}:${col}`;
    expect(place(d.file === undefined ? undefined : path.relative(fixtureDir, d.file), d.line, d.col), where).toBe(
      place(e.file, e.line, e.col),
    );
    if (e.path !== undefined) expect(d.path, where).toBe(e.path);
    for (const part of e.message)
      expect(messageMatches(d.message, part), `${where}\nmessage should contain ${String(part)}`).toBe(true);
    // Every diagnostic carries the catalog's rule, so a user learns what to change.
    expect(d.rule.length, where).toBeGreaterThan(20);
  });
}

describe('validatePaths on test/fixtures/invalid', () => {
  for (const c of CASES) {
    const name = `${c.fixture}${c.env ? ` --env ${c.env}` : ''}: ${c.diagnostics.map((d) => d.code).join(', ') || 'valid'}`;
    it(name, async () => {
      const dir = path.join(INVALID, c.fixture);
      const result = await validatePaths([dir], c.env === undefined ? {} : { env: c.env });
      check(dir, result.diagnostics, c.diagnostics);
      expect(result.valid).toBe(c.valid);
    });
  }

  it('has a case for every fixture folder', async () => {
    const { readdir } = await import('node:fs/promises');
    const folders = (await readdir(INVALID, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.sort()).toEqual([...new Set(CASES.map((c) => c.fixture))].sort());
  });

  it('reports the same diagnostics when given the files instead of the folder', async () => {
    const dir = path.join(INVALID, 'contract-unknown-tier');
    const byFolder = await validatePaths([dir]);
    const byFiles = await validatePaths([
      path.join(dir, 'mobile-app.yaml'),
      path.join(dir, 'orders.yaml'),
      path.join(dir, 'environment.yaml'),
    ]);
    expect(byFiles.diagnostics).toEqual(byFolder.diagnostics);
  });

  it('orders diagnostics by file, line and column', async () => {
    const result = await validatePaths([path.join(INVALID, 'multiple-problems')]);
    const lines = result.diagnostics.map((d) => d.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });
});

describe('diagnostics that are not in a manifest', () => {
  it('a path that does not exist is TG_FILE_UNREADABLE naming it', async () => {
    const missing = path.join(INVALID, 'no-such-folder');
    const result = await validatePaths([missing]);
    expect(result.valid).toBe(false);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['TG_FILE_UNREADABLE', 'error', undefined],
    ]);
    expect(result.diagnostics[0]?.message).toContain(missing);
  });

  it('a folder without manifests is TG_NO_MANIFESTS', async () => {
    // The custom policy's JS module folder holds no .yaml file.
    const result = await validatePaths([path.join(INVALID, 'custom-schema-mismatch', 'policies')]);
    expect(result.valid).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['TG_NO_MANIFESTS']);
  });
});

describe('valid repositories', () => {
  it('examples/quickstart validates with no diagnostics', async () => {
    const result = await validatePaths([path.join(EXAMPLES, 'quickstart')]);
    expect(result.diagnostics).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('examples/multi-env validates with no diagnostics, as a whole and per environment', async () => {
    const dir = path.join(EXAMPLES, 'multi-env');
    for (const env of [undefined, 'sandbox', 'production']) {
      const result = await validatePaths([dir], env === undefined ? {} : { env });
      expect(result.diagnostics, `--env ${env}`).toEqual([]);
      expect(result.valid).toBe(true);
      expect(result.files.length).toBe(12);
    }
  });

  it('examples/multi-env has what it is meant to show', async () => {
    const { loadManifests } = await import('../../src/manifest/load.js');
    const { manifests } = await loadManifests([path.join(EXAMPLES, 'multi-env')]);
    const envs = new Map(manifests.environments.map((e) => [e.name, e.spec]));
    expect(envs.get('sandbox')).toMatchObject({ precedence: 'cors-first', gatekeeper: 'flexible' });
    expect(envs.get('production')).toMatchObject({ precedence: 'strict', gatekeeper: 'strict' });
    expect(envs.get('production')?.policies.map((p) => p.type)).toEqual(['ip-blocklist', 'message-logging']);
    expect(
      envs.get('production')?.nodes.every((n) => typeof n.token === 'string' && n.token.startsWith('${env:')),
    ).toBe(true);
    expect(manifests.apis.length).toBeGreaterThanOrEqual(3);
    expect(manifests.apis.filter((a) => a.spec.overrides?.sandbox).length).toBe(manifests.apis.length);
    expect(
      manifests.apis.some((a) =>
        Object.values(a.spec.overrides?.sandbox?.policies ?? {}).some((p) => p.enabled === false),
      ),
    ).toBe(true);
    const sla = manifests.apis.filter((a) => a.spec.policies.some((p) => p.type === 'rate-limiting-sla'));
    expect(sla.length).toBeGreaterThanOrEqual(1);
    for (const api of sla) {
      expect(api.spec.policies.some((p) => p.type === 'client-id-enforcement')).toBe(true);
      expect(api.spec.slaTiers.some((t) => t.limits.length >= 2)).toBe(true);
    }
    expect(
      manifests.applications.filter((a) => String(a.spec.clientSecret).startsWith('${env:')).length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('every example manifest starts with a yaml-language-server modeline naming the schema of its kind', async () => {
    const { readFile } = await import('node:fs/promises');
    const { discoverManifestFiles } = await import('../../src/manifest/discover.js');
    const { existsSync } = await import('node:fs');
    const { files } = await discoverManifestFiles([EXAMPLES]);
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const first = text.split('\n')[0] ?? '';
      const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
      expect(m, file).not.toBeNull();
      const schema = path.resolve(path.dirname(file), (m as RegExpExecArray)[1] as string);
      expect(existsSync(schema), `${file}: ${schema}`).toBe(true);
      const kind = /^kind: (\w+)$/m.exec(text)?.[1]?.toLowerCase();
      expect(path.basename(schema), file).toBe(`${kind}.json`);
    }
  });

  it('custom policies with the same relative module path in different folders do not conflict', async () => {
    const result = await validatePaths([path.join(VALID, 'custom-modules-per-folder')]);
    expect(result.diagnostics).toEqual([]);
  });
});

describe('diagnostic details that were once wrong', () => {
  it('JSON paths use the documented form spec.environments[1]', async () => {
    const unknownEnv = await validatePaths([path.join(INVALID, 'unknown-environment')]);
    expect(unknownEnv.diagnostics[0]?.path).toBe('spec.environments[1]');
  });

  it('the plain-text secret path is spec.policies[0].config.password', async () => {
    const secret = await validatePaths([path.join(INVALID, 'plaintext-secret')]);
    expect(secret.diagnostics[0]?.path).toBe('spec.policies[0].config.password');
  });

  it('a duplicate key names the key', async () => {
    const result = await validatePaths([path.join(INVALID, 'duplicate-key')]);
    expect(result.diagnostics[0]?.message).toContain('basePath');
  });
});
