import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { runPolicyTests } from '../../src/policy-tests/run-tests.js';
import type { TestResult } from '../../src/policy-tests/types.js';
import { finish } from '../../src/validate/index.js';

/** Policy tests run in process against manifests given as text, as `tollgate test` runs them after validation. */

const ENVIRONMENTS = `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: live }
spec:
  nodes: [{ name: n1, adminUrl: "http://127.0.0.1:1" }]
---
apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: trial }
spec:
  precedence: cors-first
  nodes: [{ name: n2, adminUrl: "http://127.0.0.1:2" }]
`;

function api(policies: string, tests: string, extra = ''): string {
  return `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: shop }
spec:
  version: v1
  basePath: /shop
  upstream: http://127.0.0.1:9
  environments: [live]
  policies:
${policies}${extra}
  tests:
${tests}`;
}

async function run(files: Record<string, string>, variables: NodeJS.ProcessEnv = {}): Promise<TestResult[]> {
  const loaded = finish(
    loadManifestTexts(
      Object.entries({ 'environments.yaml': ENVIRONMENTS, ...files }).map(([file, text]) => ({ file, text })),
    ),
  );
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`invalid manifests: ${JSON.stringify(errors, null, 2)}`);
  return runPolicyTests(loaded.manifests, { variables });
}

/** 1-based line and column of `needle` in `text` (after `after`). */
function pos(text: string, needle: string, after = ''): { line: number; col: number } {
  const offset = text.indexOf(needle, text.indexOf(after));
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, col: (lines.at(-1) as string).length + 1 };
}

const LIMITED = `    - name: quota
      type: rate-limiting
      config:
        rateLimits: [{ maximumRequests: 3, timePeriodInMilliseconds: 60000 }]
        keySelector: { source: ip }
        exposeHeaders: true
`;

describe('policy tests: expectations', () => {
  it('a passing and a failing test; the failure points at the expectation that did not hold', async () => {
    const text = api(
      LIMITED,
      `    - name: first request passes
      request: { path: /shop/items }
      expect: { status: 200, upstreamCalled: true, headers: { X-Ratelimit-Remaining: "2" } }
    - name: wrong expectations
      request: { path: /shop/items }
      expect:
        status: 429
        headers: { X-Ratelimit-Limit: "4", X-Missing: null, Content-Type: "application/json; charset=utf-8" }
`,
    );
    const [passed, failed] = await run({ 'shop.yaml': text });
    expect(passed).toMatchObject({
      api: 'shop',
      test: 'first request passes',
      environment: 'live',
      outcome: 'passed',
      requests: 1,
      problems: [],
      where: { file: 'shop.yaml', ...pos(text, 'first request passes') },
    });
    expect(failed?.outcome).toBe('failed');
    expect(failed?.problems).toEqual([
      {
        message: 'expected status 429, got 200',
        where: { file: 'shop.yaml', ...pos(text, '429') },
        path: 'spec.tests[1].expect.status',
      },
      {
        message: 'expected response header X-Ratelimit-Limit: "4", got "3"',
        where: { file: 'shop.yaml', ...pos(text, '"4"') },
        path: 'spec.tests[1].expect.headers.X-Ratelimit-Limit',
      },
    ]);
  });

  it('upstream request headers, and the stub upstream answer going back through the response pass', async () => {
    const text = api(
      `    - name: tag
      type: header-injection
      config:
        inboundHeaders: [{ key: X-Team, value: shop }]
        outboundHeaders: [{ key: X-Served-By, value: tollgate }]
    - name: strip
      type: header-removal
      config:
        inboundHeaders: [X-Debug]
        outboundHeaders: [Server]
`,
      `    - name: headers both ways
      request: { path: /shop, headers: { X-Debug: "1" }, clientIp: 203.0.113.5 }
      upstream: { status: 201, headers: { Server: nginx, Content-Type: text/plain } }
      expect:
        status: 201
        headers: { X-Served-By: tollgate, Server: null, Content-Type: text/plain }
        upstreamHeaders: { X-Team: shop, X-Debug: null, X-Forwarded-For: 203.0.113.5, X-Forwarded-Prefix: /shop }
`,
    );
    const [result] = await run({ 'shop.yaml': text });
    expect(result).toMatchObject({ outcome: 'passed', problems: [] });
  });
});

describe('policy tests: sequences', () => {
  const text = api(
    LIMITED,
    `    - name: the 4th request in a minute is limited
      request: { path: /shop, clientIp: 198.51.100.1 }
      steps:
        - request: { repeat: 3 }
          expect: { status: 200 }
        - expect: { status: 429, headers: { X-Ratelimit-Remaining: "0", X-Ratelimit-Reset: "60000" } }
        - request: { clientIp: 198.51.100.2 }
          expect: { status: 200 }
        - wait: 59s
          expect: { status: 429 }
        - wait: 1s
          expect: { status: 200, headers: { X-Ratelimit-Remaining: "2" } }
    - name: every test starts with fresh counters
      request: { path: /shop, clientIp: 198.51.100.1 }
      expect: { status: 200, headers: { X-Ratelimit-Remaining: "2" } }
    - name: a failing repetition is named
      request: { path: /shop, clientIp: 198.51.100.1 }
      steps:
        - request: { repeat: 5 }
          expect: { status: 200 }
`,
  );

  it('steps share counters, wait moves the test clock, tests do not share anything', async () => {
    const [sequence, fresh, failing] = await run({ 'shop.yaml': text });
    expect(sequence).toMatchObject({ outcome: 'passed', requests: 7 });
    expect(fresh).toMatchObject({ outcome: 'passed', requests: 1 });
    expect(failing?.problems).toEqual([
      {
        message: 'request 4 of 5: expected status 200, got 429',
        where: { file: 'shop.yaml', ...pos(text, '200', 'a failing repetition') },
        path: 'spec.tests[2].steps[0].expect.status',
      },
    ]);
    expect(failing?.requests).toBe(4);
  });
});

describe('policy tests: secrets', () => {
  const guarded = api(
    `    - name: login
      type: basic-auth
      config: { username: ops, password: "\${env:SHOP_PASSWORD}" }
`,
    `    - name: the right password gets in
      request:
        path: /shop
        basicAuth: { username: ops, password: "\${env:SHOP_PASSWORD}" }
      expect: { status: 200 }
    - name: no password, no entry
      request: { path: /shop }
      expect: { status: 401 }
    - name: a failure never shows the password
      request:
        path: /shop
        headers: { X-Token: "\${env:SHOP_PASSWORD}" }
        basicAuth: { username: ops, password: "\${env:SHOP_PASSWORD}" }
      expect: { status: 200, upstreamHeaders: { Authorization: "Basic b3BzOnBhc3N3b3Jk", X-Token: nothing } }
`,
  );

  it('a chain secret that is not set: every test of the Api is skipped, naming the variable', async () => {
    const results = await run({ 'shop.yaml': guarded });
    expect(results.map((r) => [r.outcome, r.missing])).toEqual([
      ['skipped', ['SHOP_PASSWORD']],
      ['skipped', ['SHOP_PASSWORD']],
      ['skipped', ['SHOP_PASSWORD']],
    ]);
  });

  it('set: the tests run, and failure messages hide its value', async () => {
    const results = await run({ 'shop.yaml': guarded }, { SHOP_PASSWORD: 's3cr3t-value' });
    expect(results.map((r) => r.outcome)).toEqual(['passed', 'passed', 'failed']);
    const messages = JSON.stringify(results[2]?.problems);
    expect(messages).not.toContain('s3cr3t-value');
    expect(messages).not.toContain(Buffer.from('ops:s3cr3t-value').toString('base64'));
    expect(results[2]?.problems.map((p) => p.message)).toEqual([
      'expected upstream request header Authorization: "Basic b3BzOnBhc3N3b3Jk", got "(secret)"',
      'expected upstream request header X-Token: "nothing", got "(secret)"',
    ]);
  });

  it("application secrets: needed only by tests that present the application's client id", async () => {
    const text = api(
      `    - name: partners
      type: client-id-enforcement
`,
      `    - name: unknown clients get 401
      request: { path: /shop, headers: { client_id: stranger, client_secret: x } }
      expect: { status: 401 }
    - name: the partner gets in
      request: { path: /shop, headers: { client_id: partner-1, client_secret: "\${env:PARTNER_SECRET}" } }
      expect: { status: 200 }
`,
    );
    const partner = `apiVersion: tollgate.dev/v1
kind: Application
metadata: { name: partner }
spec:
  clientId: partner-1
  clientSecret: "\${env:PARTNER_SECRET}"
  contracts: [{ api: shop, version: v1 }]
`;
    expect((await run({ 'shop.yaml': text, 'partner.yaml': partner })).map((r) => [r.outcome, r.missing])).toEqual([
      ['passed', undefined],
      ['skipped', ['PARTNER_SECRET']],
    ]);
    expect(
      (await run({ 'shop.yaml': text, 'partner.yaml': partner }, { PARTNER_SECRET: 'p-secret' })).map((r) => r.outcome),
    ).toEqual(['passed', 'passed']);
  });
});

describe('policy tests: environments and invalid tests', () => {
  it('a test runs in every environment the Api is deployed to, unless it names one; overrides apply', async () => {
    const text = api(
      LIMITED,
      `    - name: the live limit
      request: { path: /shop }
      expect: { status: 200, headers: { X-Ratelimit-Limit: "3" } }
    - name: trial only
      environment: trial
      request: { path: /shop }
      expect: { status: 200, headers: { X-Ratelimit-Limit: "1" } }
`,
      `  overrides:
    trial:
      policies:
        quota: { config: { rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 60000 }] } }
`,
    ).replace('environments: [live]', 'environments: [live, trial]');
    const results = await run({ 'shop.yaml': text });
    expect(results.map((r) => [r.test, r.environment, r.outcome])).toEqual([
      ['the live limit', 'live', 'passed'],
      ['the live limit', 'trial', 'failed'],
      ['trial only', 'trial', 'passed'],
    ]);
  });

  it('an environment the Api is not deployed to, a path outside its base path, a client IP that is not one: invalid, positioned', async () => {
    const text = api(
      LIMITED,
      `    - name: wrong environment
      environment: trial
      expect: { status: 200 }
    - name: wrong path
      request: { path: /shopping }
      expect: { status: 200 }
    - name: wrong address
      request: { path: /shop }
      steps:
        - request: { clientIp: not-an-ip }
          expect: { status: 200 }
`,
    );
    const results = await run({ 'shop.yaml': text });
    expect(
      results.map((r) => [r.outcome, r.problems[0]?.message, r.problems[0]?.where.line, r.problems[0]?.where.col]),
    ).toEqual([
      [
        'invalid',
        'Api "shop" is not deployed to environment "trial" (deployed to: live)',
        pos(text, 'trial').line,
        pos(text, 'trial').col,
      ],
      [
        'invalid',
        "path /shopping is not under the Api's base path /shop",
        pos(text, '/shopping').line,
        pos(text, '/shopping').col,
      ],
      ['invalid', 'clientIp "not-an-ip" is not an IP address', pos(text, 'not-an-ip').line, pos(text, 'not-an-ip').col],
    ]);
  });
});

describe('policy tests: the schema', () => {
  it('a test needs expect or steps, not both', () => {
    const text = api(
      LIMITED,
      `    - name: both
      request: { path: /shop }
      expect: { status: 200 }
      steps: [{ expect: { status: 200 } }]
    - name: neither
      request: { path: /shop }
`,
    );
    const loaded = loadManifestTexts([{ file: 'shop.yaml', text }]);
    expect(loaded.diagnostics.map((d) => [d.code, d.path, d.line])).toEqual([
      ['TG_SCHEMA', 'spec.tests[0]', pos(text, 'name: both').line],
      ['TG_SCHEMA', 'spec.tests[1]', pos(text, 'name: neither').line],
    ]);
    expect(loaded.diagnostics[0]?.message).toBe(
      'spec.tests[0]: must be a policy test: a name, and either request + expect (one exchange) or steps (a sequence that shares counters)',
    );
  });
});
