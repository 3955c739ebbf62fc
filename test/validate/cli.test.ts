import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { validatePaths } from '../../src/validate/index.js';

/**
 * `tollgate validate` as a user runs it: the built CLI in a child process.
 * These tests need dist/: `npm test` builds it first (pretest); when running
 * vitest directly, run `npm run build` before.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join(ROOT, 'bin/tollgate.js');
const FIXTURES = 'test/fixtures/invalid';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function tollgate(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const fixture = (name: string) => `${FIXTURES}/${name}`;

interface JsonReport {
  valid: boolean;
  files: number;
  diagnostics: Diagnostic[];
}

const GITHUB_LINE = /^::(error|warning) (?:file=([^,]+),line=(\d+),col=(\d+),)?title=(TG_[A-Z_]+)::(.*)$/;

/** A stack trace printed by node: "    at fn (file:line:col)". */
const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;

beforeAll(() => {
  if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
    throw new Error(
      'dist/cli/main.js is missing: these tests spawn the built CLI; run `npm run build` first (`npm test` does it through pretest)',
    );
  }
});

describe('tollgate validate: exit codes and text output', () => {
  it('examples/quickstart is valid: exit 0', async () => {
    const run = await tollgate('validate', 'examples/quickstart');
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('valid: 0 errors, 0 warnings in 3 files\n');
    expect(run.code).toBe(0);
  });

  it('examples/multi-env is valid: exit 0, also per environment', async () => {
    for (const extra of [[], ['--env', 'sandbox'], ['--env', 'production']]) {
      const run = await tollgate('validate', ...extra, 'examples/multi-env');
      expect(run.stdout, extra.join(' ')).toBe('valid: 0 errors, 0 warnings in 12 files\n');
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('a precedence violation: exit 1, file:line:col, the code, the expected order and the rule', async () => {
    const run = await tollgate('validate', fixture('precedence-strict'));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^test\/fixtures\/invalid\/precedence-strict\/orders\.yaml:15:7: error TG_PRECEDENCE "quota" \(rate-limiting\) is listed after "office-only" \(ip-allowlist\): .* Expected order: quota → office-only$/,
    );
    expect(lines[1]).toMatch(/^ {4}rule: The fixed-precedence policies must lead the chain/);
    expect(lines.at(-1)).toBe('1 error, 0 warnings in 2 files');
    expect(lines).toHaveLength(3);
  });

  it('a plain-text secret is a warning: exit 0', async () => {
    const run = await tollgate('validate', fixture('plaintext-secret'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^test\/fixtures\/invalid\/plaintext-secret\/orders\.yaml:16:19: warning TG_PLAINTEXT_SECRET /,
    );
    expect(run.stdout.trimEnd().split('\n').at(-1)).toBe('valid: 0 errors, 1 warning in 2 files');
  });

  it('a path that does not exist: exit 1 with TG_FILE_UNREADABLE', async () => {
    const run = await tollgate('validate', fixture('no-such-folder'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`error TG_FILE_UNREADABLE no such file or folder: ${fixture('no-such-folder')}`);
  });

  it('output has no colour codes when it is not a terminal', async () => {
    const run = await tollgate('validate', fixture('multiple-problems'));
    expect(run.stdout).not.toContain('\u001b[');
  });
});

describe('tollgate validate: YAML errors never crash', () => {
  for (const [name, line, col, text] of [
    ['tab-indentation', 10, 1, 'tabs are not allowed for indentation'],
    ['duplicate-key', 10, 3, 'duplicate key'],
    ['yaml-syntax', 7, 18, 'Nested mappings are not allowed'],
  ] as const) {
    it(`${name}: one positioned diagnostic, exit 1, no stack trace`, async () => {
      const run = await tollgate('validate', fixture(name));
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('');
      expect(run.stdout).not.toMatch(STACK_TRACE);
      expect(run.stdout).not.toMatch(/\b(TypeError|ReferenceError|YAMLParseError)\b/);
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines[0]?.startsWith(`${fixture(name)}/orders.yaml:${line}:${col}: error TG_YAML_SYNTAX `), lines[0]).toBe(
        true,
      );
      expect(lines[0]).toContain(text);
      expect(lines.at(-1)).toBe('1 error, 0 warnings in 3 files');
    });
  }
});

describe('tollgate validate -o json', () => {
  it('parses, and holds the same diagnostics as the library', async () => {
    const run = await tollgate('validate', '-o', 'json', fixture('multiple-problems'));
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.valid).toBe(false);
    expect(report.files).toBe(3);
    const library = await validatePaths([path.join(ROOT, fixture('multiple-problems'))]);
    const relative = library.diagnostics.map((d) => ({ ...d, file: d.file && path.relative(ROOT, d.file) }));
    expect(report.diagnostics).toEqual(relative);
  });

  it('reports every problem of a file: three problems, three diagnostics', async () => {
    const run = await tollgate('validate', '--output', 'json', fixture('multiple-problems'));
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.diagnostics.map((d) => [d.code, d.line, d.col, d.path])).toEqual([
      ['TG_SCHEMA', 8, 13, 'spec.basePath'],
      ['TG_SCHEMA', 15, 41, 'spec.policies[0].config.rateLimits[0].maximumRequests'],
      ['TG_SCHEMA', 18, 23, 'spec.policies[1].config.ips[0]'],
    ]);
    expect(report.diagnostics.every((d) => d.file === `${fixture('multiple-problems')}/orders.yaml`)).toBe(true);
  });

  it('a valid repository: valid true and no diagnostics', async () => {
    const run = await tollgate('validate', '-o', 'json', 'examples/multi-env');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, files: 12, diagnostics: [] });
  });
});

describe('tollgate validate -o github', () => {
  async function githubAndJson(...args: string[]) {
    const github = await tollgate('validate', '-o', 'github', ...args);
    const json = await tollgate('validate', '-o', 'json', ...args);
    return { github, report: JSON.parse(json.stdout) as JsonReport };
  }

  it('prints one ::error line per diagnostic, in the same order as json', async () => {
    const { github, report } = await githubAndJson(fixture('multiple-problems'));
    expect(github.code).toBe(1);
    const lines = github.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(report.diagnostics.length);
    lines.forEach((line, i) => {
      const m = GITHUB_LINE.exec(line);
      expect(m, line).not.toBeNull();
      const d = report.diagnostics[i] as Diagnostic;
      const [, level, file, l, c, title, text] = m as RegExpExecArray;
      expect(level).toBe('error');
      expect(file).toBe(d.file);
      expect(Number(l)).toBe(d.line);
      expect(Number(c)).toBe(d.col);
      expect(title).toBe(d.code);
      expect(text).toBe(`${d.message} (rule: ${d.rule})`);
    });
  });

  it('a warning is a ::warning line, and a precedence error carries the expected order', async () => {
    const warn = await tollgate('validate', '-o', 'github', fixture('plaintext-secret'));
    expect(warn.code).toBe(0);
    expect(warn.stdout).toMatch(
      /^::warning file=test\/fixtures\/invalid\/plaintext-secret\/orders\.yaml,line=16,col=19,title=TG_PLAINTEXT_SECRET::basic-auth "staff-login" password is written in clear text/,
    );
    const precedence = await tollgate('validate', '-o', 'github', fixture('precedence-strict'));
    expect(precedence.stdout).toMatch(
      /^::error file=test\/fixtures\/invalid\/precedence-strict\/orders\.yaml,line=15,col=7,title=TG_PRECEDENCE::.*Expected order: quota → office-only \(rule: /,
    );
  });

  it('a diagnostic without a place has only a title', async () => {
    const run = await tollgate('validate', '-o', 'github', '--env', 'staging', fixture('unknown-env-filter'));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      '::error title=TG_UNKNOWN_ENV_FILTER::environment "staging" is not defined (defined: dev) (rule: --env must name an Environment defined in the manifests.)\n',
    );
  });
});

describe('tollgate validate --env', () => {
  it("checks only the named environment's chains: strict fails, cors-first passes", async () => {
    const strict = await tollgate('validate', '--env', 'production', '-o', 'json', fixture('precedence-strict-only'));
    expect(strict.code).toBe(1);
    expect((JSON.parse(strict.stdout) as JsonReport).diagnostics.map((d) => [d.code, d.line, d.col])).toEqual([
      ['TG_PRECEDENCE', 15, 7],
    ]);

    const corsFirst = await tollgate('validate', '-e', 'sandbox', fixture('precedence-strict-only'));
    expect(corsFirst.stdout).toBe('valid: 0 errors, 0 warnings in 2 files\n');
    expect(corsFirst.code).toBe(0);
  });

  it('an unknown environment is an error, exit 1', async () => {
    const run = await tollgate('validate', '--env', 'staging', fixture('unknown-env-filter'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('error TG_UNKNOWN_ENV_FILTER environment "staging" is not defined (defined: dev)');
  });
});
