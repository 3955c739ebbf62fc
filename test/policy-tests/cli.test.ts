import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';

/** `tollgate test` as a user runs it: the built CLI on the examples and on edited copies. */

let scratch: string;
beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js')))
    throw new Error('run `npm run build` first: these tests spawn the built CLI');
  scratch = mkdtempSync(path.join(tmpdir(), 'tollgate-test-cli-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('tollgate test on the examples', () => {
  it('examples/quickstart: every test passes (anonymous → 401, 6th request → 429, wrong-origin preflight, partner without credentials)', async () => {
    const run = await runCli(['test', 'examples/quickstart'], { cwd: ROOT });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'PASS greetings › anonymous callers are challenged [local] examples/quickstart/greetings.yaml:',
    );
    expect(run.stdout).toContain('PASS greetings › the 6th request in a minute from one client gets 429 [local]');
    expect(run.stdout).toContain('PASS greetings › a preflight from another origin gets no CORS headers [local]');
    expect(run.stdout).toContain('PASS orders › a partner without credentials gets 401 [local]');
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 10 passed, 0 failed');
  });

  it('examples/multi-env: every test passes, in each environment it applies to, without any secret set', async () => {
    const run = await runCli(['test', 'examples/multi-env', '--output', 'json'], { cwd: ROOT });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as {
      totals: { passed: number; failed: number; skipped: number };
      results: { environment: string }[];
    };
    expect(report.totals).toEqual({ passed: 18, failed: 0, skipped: 0 });
    expect(new Set(report.results.map((r) => r.environment))).toEqual(new Set(['sandbox', 'production']));
  });

  it('--env and --api narrow the run', async () => {
    const run = await runCli(['test', 'examples/multi-env', '--env', 'sandbox', '--api', 'catalog'], { cwd: ROOT });
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 3 passed, 0 failed');
  });
});

describe('tollgate test: failures', () => {
  it('a failing expectation: exit 1, the position of the expectation, GitHub annotations', async () => {
    const dir = path.join(scratch, 'failing');
    cpSync(path.join(ROOT, 'examples/quickstart'), dir, { recursive: true });
    const file = path.join(dir, 'greetings.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('status: 429', 'status: 200'));
    const lines = original.slice(0, original.indexOf('status: 429')).split('\n');
    const where = `line=${lines.length},col=${(lines.at(-1) as string).length + 'status: '.length + 1}`;

    const run = await runCli(['test', '--output', 'github', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      `::error file=greetings.yaml,${where},title=TG_TEST_FAILED::greetings › the 6th request in a minute from one client gets 429 [local]: step 2: expected status 200, got 429 (rule: A policy test's expectations must hold against the Api's compiled chain.)`,
      'tests: 9 passed, 1 failed',
      '',
    ]);
  });

  it('invalid manifests: the diagnostics, no test run, exit 1', async () => {
    const dir = path.join(scratch, 'invalid');
    cpSync(path.join(ROOT, 'examples/quickstart'), dir, { recursive: true });
    const file = path.join(dir, 'orders.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '      expect: { status: 401, upstreamCalled: false }',
        '      expect: { status: 401, upstreamCalld: false }',
      ),
    );
    const run = await runCli(['test', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^orders\.yaml:\d+:\d+: error TG_SCHEMA spec\.tests\[0\]\.expect\.upstreamCalld: unknown field "upstreamCalld" \(did you mean "upstreamCalled"\?\)/,
    );
    expect(run.stderr).toBe('policy tests not run: the manifests are invalid\n');
  });

  it('a skipped test names the variable to set and exits 0', async () => {
    const run = await runCli(['test', '--output', 'github', '.'], {
      cwd: path.join(ROOT, 'examples/multi-env'),
      env: {},
    });
    expect(run.code).toBe(0);
    const dir = path.join(scratch, 'secret');
    cpSync(path.join(ROOT, 'examples/multi-env'), dir, { recursive: true });
    const file = path.join(dir, 'apis/backoffice.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8') +
        `  tests:
    - name: staff log in from the office
      environment: production
      request:
        path: /internal/backoffice/tickets
        clientIp: 10.30.4.5
        basicAuth: { username: backoffice, password: "\${env:BACKOFFICE_PASSWORD}" }
      expect: { status: 200, upstreamHeaders: { X-Gateway-Environment: production } }
`,
    );
    const skipped = await runCli(['test', '--api', 'backoffice', '.'], { cwd: dir, env: { BACKOFFICE_PASSWORD: '' } });
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toMatch(
      /^SKIP backoffice › staff log in from the office \[production\] apis\/backoffice\.yaml:\d+:\d+: set BACKOFFICE_PASSWORD to run it$/m,
    );
    expect(skipped.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 0 passed, 0 failed, 1 skipped');
    const annotated = await runCli(['test', '--api', 'backoffice', '--output', 'github', '.'], {
      cwd: dir,
      env: { BACKOFFICE_PASSWORD: '' },
    });
    expect(annotated.code).toBe(0);
    expect(annotated.stdout.split('\n')[0]).toBe(
      `::warning file=apis/backoffice.yaml,${positionIn(readFileSync(file, 'utf8'), 'staff log in from the office')},title=TG_TEST_SKIPPED::backoffice › staff log in from the office [production] skipped: set BACKOFFICE_PASSWORD to run it (rule: A policy test that needs a \${env:NAME} secret runs only when that variable is set.)`,
    );
    const ran = await runCli(['test', '--api', 'backoffice', '.'], {
      cwd: dir,
      env: { BACKOFFICE_PASSWORD: 'office-password' },
    });
    expect(ran.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 1 passed, 0 failed');
    expect(ran.stdout).not.toContain('office-password');
  });

  it('a test that cannot run (an environment the Api is not deployed to): TG_TEST_INVALID at its environment, exit 1', async () => {
    const dir = path.join(scratch, 'not-deployed');
    cpSync(path.join(ROOT, 'examples/quickstart'), dir, { recursive: true });
    const file = path.join(dir, 'greetings.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8') +
        `    - name: in production
      environment: production
      request: { path: /greetings/hello }
      expect: { status: 401 }
`,
    );
    const run = await runCli(['test', '--api', 'greetings', '--output', 'github', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe(
      `::error file=greetings.yaml,${positionIn(readFileSync(file, 'utf8'), 'production', 'environment: production')},title=TG_TEST_INVALID::greetings › in production [production]: Api "greetings" is not deployed to environment "production" (deployed to: local) (rule: A policy test must name an environment the Api is deployed to, a path under its base path and a client IP address.)`,
    );
  });
});

/** `line=N,col=M` of the first `needle` in `text` (after `after`), as an annotation gives it. */
function positionIn(text: string, needle: string, after = ''): string {
  const before = text.slice(0, text.indexOf(needle, text.indexOf(after))).split('\n');
  return `line=${before.length},col=${(before.at(-1) as string).length + 1}`;
}
