import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';
import { GitRepo, positionOf } from './git-repo.js';
import { checkJson } from './run.js';

/**
 * Output formats of `tollgate check` on a repository of 12 Apis whose head
 * disables the login (12 errors) and raises the limit (12 warnings) of every
 * one: more than GitHub's 10 + 10 annotations.
 */

const APIS = 12;
const ENVIRONMENT = `apiVersion: tollgate.dev/v1
kind: Environment
metadata:
  name: production
spec:
  nodes:
    - { name: prod-1, adminUrl: "http://127.0.0.1:1", token: "\${env:PROD_TOKEN}" }
`;
const api = (i: number) => `apiVersion: tollgate.dev/v1
kind: Api
metadata:
  name: shop-${i}
spec:
  version: v1
  basePath: /shop-${i}
  upstream: http://127.0.0.1:9
  environments: [production]
  policies:
    - name: quota
      type: rate-limiting
      config:
        rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 60000 }]
    - name: login
      type: basic-auth
      config:
        username: shop
        password: "\${env:SHOP_PASSWORD}"
`;

let repo: GitRepo;
let scratch: string;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js')))
    throw new Error('run `npm run build` first: these tests spawn the built CLI');
  scratch = mkdtempSync(path.join(tmpdir(), 'tollgate-summary-'));
  repo = new GitRepo();
  const files: Record<string, string> = { 'manifests/environments.yaml': ENVIRONMENT, 'README.md': 'not a manifest\n' };
  for (let i = 1; i <= APIS; i++) files[`manifests/apis/shop-${String(i).padStart(2, '0')}.yaml`] = api(i);
  repo.write(files).commit('base');
  repo.branch('loosen-everything', (r) => {
    for (let i = 1; i <= APIS; i++) {
      r.edit(
        `manifests/apis/shop-${String(i).padStart(2, '0')}.yaml`,
        ['      type: basic-auth\n', '      type: basic-auth\n      enabled: false\n'],
        ['maximumRequests: 10,', 'maximumRequests: 100,'],
      );
    }
  });
  repo.branch('one-warning', (r) =>
    r.edit('manifests/apis/shop-01.yaml', ['maximumRequests: 10,', 'maximumRequests: 30,']),
  );
});

afterAll(() => {
  repo?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

const ANNOTATION = /^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=(TG_[A-Z_]+)::(.+)$/;

describe('tollgate check --output github', () => {
  it('writes at most 10 error and 10 warning annotations, a notice for the rest, and a summary line', async () => {
    const summary = path.join(scratch, 'summary.md');
    writeFileSync(summary, '# earlier step\n');
    const run = await runCli(
      ['check', '--base', 'main', '--head', 'loosen-everything', '--output', 'github', 'manifests'],
      { cwd: repo.dir, env: { GITHUB_STEP_SUMMARY: summary } },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(22);
    const annotations = lines.slice(0, 20).map((line) => {
      const m = ANNOTATION.exec(line);
      if (!m) throw new Error(`not an annotation: ${line}`);
      return { severity: m[1], file: m[2], line: Number(m[3]), col: Number(m[4]), title: m[5], message: m[6] };
    });
    expect(annotations.slice(0, 10).every((a) => a.severity === 'error' && a.title === 'TG_AUTH_REMOVED')).toBe(true);
    expect(annotations.slice(10).every((a) => a.severity === 'warning' && a.title === 'TG_RATE_LIMIT_LOOSENED')).toBe(
      true,
    );
    const head = repo.git('show', 'loosen-everything:manifests/apis/shop-01.yaml');
    expect(annotations[0]).toEqual({
      severity: 'error',
      file: 'manifests/apis/shop-01.yaml',
      ...positionOf(head, 'false'),
      title: 'TG_AUTH_REMOVED',
      message:
        'Api "shop-1": basic-auth "login" was disabled, and no enabled policy authenticates callers any more: the Api is open to anyone [production] (rule: An Api that authenticated its callers must keep an enabled authentication or client-id policy.)',
    });
    expect(lines[0]).toBe(
      `::error file=manifests/apis/shop-01.yaml,line=${positionOf(head, 'false').line},col=${positionOf(head, 'false').col},title=TG_AUTH_REMOVED::Api "shop-1": basic-auth "login" was disabled, and no enabled policy authenticates callers any more: the Api is open to anyone [production] (rule: An Api that authenticated its callers must keep an enabled authentication or client-id policy.)`,
    );
    expect(annotations[10]).toMatchObject({
      file: 'manifests/apis/shop-01.yaml',
      ...positionOf(head, '100,'),
      message: expect.stringContaining('raised from 10 to 100 requests per minute (10×)'),
    });
    expect(lines[20]).toBe(
      '::notice title=tollgate check::4 more findings not annotated: see the job summary or run tollgate check locally',
    );
    expect(lines[21]).toBe('tollgate check: 12 errors, 12 warnings; policy tests: 0 passed, 0 failed');

    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# earlier step\n## ❌ tollgate check: 12 errors, 12 warnings\n')).toBe(true);
    expect(written).toContain('| ❌ error | `manifests/apis/shop-12.yaml:');
    expect(written).toContain('<details><summary><b>production</b>: 0 to add, 24 to change, 0 to delete</summary>');
    expect(written.match(/\| `TG_AUTH_REMOVED` \|/g)).toHaveLength(12);
  });

  it('writes nothing to the step summary when $GITHUB_STEP_SUMMARY is not set, and exits 0 on warnings only', async () => {
    const run = await runCli(['check', '--base', 'main', '--head', 'one-warning', '--output', 'github'], {
      cwd: repo.dir,
      env: { GITHUB_STEP_SUMMARY: '' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toMatch(
      /^::warning file=manifests\/apis\/shop-01\.yaml,line=\d+,col=\d+,title=TG_RATE_LIMIT_LOOSENED::Api "shop-1": rate-limiting "quota" raised from 10 to 30 requests per minute \(3×\) \[production\] \(rule: /,
    );
    const strict = await runCli(
      ['check', '--base', 'main', '--head', 'one-warning', '--output', 'github', '--fail-on', 'warning'],
      { cwd: repo.dir },
    );
    expect(strict.code).toBe(1);
    // Run from a sub-folder, annotations still name files from the repository root, as GitHub places them.
    const sub = await runCli(['check', '--base', 'main', '--head', 'one-warning', '--output', 'github', '.'], {
      cwd: path.join(repo.dir, 'manifests'),
    });
    expect(sub.stdout.split('\n')[0]).toMatch(
      /^::warning file=manifests\/apis\/shop-01\.yaml,line=\d+,col=\d+,title=TG_RATE_LIMIT_LOOSENED::/,
    );
  });
});

describe('tollgate check: other outputs', () => {
  it('markdown for a pull-request comment', async () => {
    const run = await runCli(['check', '--base', 'main', '--head', 'one-warning', '--output', 'markdown'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('## ⚠️ tollgate check: 0 errors, 1 warning');
    expect(lines[2]).toMatch(
      /^base `main \([0-9a-f]{12}\)` → head `one-warning \([0-9a-f]{12}\)` · 1 manifest file changed · policy tests: 0 passed, 0 failed$/,
    );
    expect(run.stdout).toContain('| ⚠️ warning | `manifests/apis/shop-01.yaml:');
    expect(run.stdout).toContain(
      '| update policy shop-1/quota (rate-limiting) | `config.rateLimits[0].maximumRequests`: 10 → 30 |',
    );
  });

  it('text: sections for validation, findings, plans and tests', async () => {
    const run = await runCli(['check', '--base', 'main', '--head', 'one-warning'], { cwd: repo.dir });
    expect(run.stdout).toContain('tollgate check: main (');
    expect(run.stdout).toContain('1 manifest file changed: manifests/apis/shop-01.yaml');
    expect(run.stdout).toMatch(/manifests\/apis\/shop-01\.yaml:\d+:\d+: warning TG_RATE_LIMIT_LOOSENED Api "shop-1"/);
    expect(run.stdout).toContain(
      '  production: 0 to add, 1 to change, 0 to delete\n    ~ update policy shop-1/quota (rate-limiting)\n        config.rateLimits[0].maximumRequests: 10 → 30',
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('Result: 0 errors, 1 warning');
  });
});

describe('tollgate check: the head', () => {
  it('without --head, the working tree is the head (uncommitted edits included), and positions are in the files on disk', async () => {
    repo.edit('manifests/apis/shop-03.yaml', ['maximumRequests: 10,', 'maximumRequests: 50,']);
    try {
      const { run, report } = await checkJson(repo.dir, ['--base', 'main']);
      expect(run.code).toBe(0);
      expect(report.head).toEqual({ ref: 'working tree' });
      expect(report.changedFiles).toEqual(['manifests/apis/shop-03.yaml']);
      expect(report.findings).toMatchObject([
        {
          code: 'TG_RATE_LIMIT_LOOSENED',
          file: 'manifests/apis/shop-03.yaml',
          ...positionOf(repo.read('manifests/apis/shop-03.yaml'), '50,'),
        },
      ]);
      // From a sub-folder, files are named relative to it.
      const sub = await checkJson(path.join(repo.dir, 'manifests'), ['--base', 'main']);
      expect(sub.report.findings.map((f) => f.file)).toEqual(['apis/shop-03.yaml']);
    } finally {
      repo.git('checkout', '-q', '--', '.');
    }
  });

  it('a head that does not load: every error with its position, no plans, exit 1', async () => {
    repo.write({ 'manifests/apis/shop-05.yaml': api(5).replace('  version: v1\n', '  version: v1\n\tbroken: true\n') });
    try {
      const { run, report } = await checkJson(repo.dir, ['--base', 'main', 'manifests']);
      expect(run.code).toBe(1);
      expect(report.valid).toBe(false);
      expect(report.validation[0]).toMatchObject({
        code: 'TG_YAML_SYNTAX',
        file: 'manifests/apis/shop-05.yaml',
        line: 7,
      });
      expect(report.plans).toEqual([]);
    } finally {
      repo.git('checkout', '-q', '--', '.');
    }
  });

  it('with --head, files that custom policies name are read from that commit too', async () => {
    repo.branch('custom-policy', (r) =>
      r
        .write({
          'manifests/policies/stamp.js': 'export function create() { return { request() { return undefined; } }; }\n',
          'manifests/policies/stamp.schema.json': '{ "type": "object", "required": ["label"] }\n',
        })
        .edit('manifests/apis/shop-02.yaml', [
          '    - name: login\n',
          '    - name: stamp\n      type: custom\n      config: { module: ../policies/stamp.js, schema: ../policies/stamp.schema.json, config: { label: x } }\n    - name: login\n',
        ]),
    );
    // The working tree (main) has neither file: only the commit does.
    expect(existsSync(path.join(repo.dir, 'manifests/policies/stamp.js'))).toBe(false);
    const { run, report } = await checkJson(repo.dir, ['--base', 'main', '--head', 'custom-policy', '--no-tests']);
    expect(report.validation).toEqual([]);
    expect(run.code).toBe(0);
    expect(report.plans[0]?.changes.map((c) => c.kind)).toEqual(['add-policy']);
  });

  it('an unknown base ref: a TG_GIT error that says how to get it, exit 1', async () => {
    const run = await runCli(['check', '--base', 'no-such-branch'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error TG_GIT: unknown revision "no-such-branch" in ${repo.dir}: fetch it first (e.g. git fetch origin no-such-branch; in GitHub Actions check out with fetch-depth: 0)\n`,
    );
  });

  it('outside a git repository: a TG_GIT error', async () => {
    const run = await runCli(['check', '--base', 'main'], { cwd: scratch });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error TG_GIT: .* is not inside a git repository\n$/);
  });
});
