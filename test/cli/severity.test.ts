import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GitRepo } from '../check/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';

/** Diagnostic severities per code from the config file, and --warnings-as-errors: validate and check alike. */
const FIXTURE = path.join(ROOT, 'test/fixtures/invalid/plaintext-secret');

function configFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tollgate-severity-')), 'tollgate.yaml');
  writeFileSync(file, text);
  return file;
}

describe('severities per code', () => {
  it('validate: a warning raised to an error fails; turned off it is not reported; the default stays a warning', async () => {
    const plain = await runCli(['validate', FIXTURE]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('warning TG_PLAINTEXT_SECRET');

    const raised = await runCli(['validate', FIXTURE], {
      env: { TOLLGATE_CONFIG_FILE: configFile('severity:\n  TG_PLAINTEXT_SECRET: error\n') },
    });
    expect(raised.code).toBe(1);
    expect(raised.stdout).toContain('error TG_PLAINTEXT_SECRET');

    const off = await runCli(['validate', '--output', 'json', FIXTURE], {
      env: { TOLLGATE_CONFIG_FILE: configFile('severity:\n  TG_PLAINTEXT_SECRET: off\n') },
    });
    expect(off.code).toBe(0);
    expect((JSON.parse(off.stdout) as { diagnostics: unknown[] }).diagnostics).toEqual([]);

    const strict = await runCli(['validate', '--warnings-as-errors', '--output', 'sarif', FIXTURE]);
    expect(strict.code).toBe(1);
    expect(
      (JSON.parse(strict.stdout) as { runs: { results: { level: string }[] }[] }).runs[0]?.results.map((r) => r.level),
    ).toEqual(['error']);
    // Turned off in the file wins over --warnings-as-errors: there is nothing left to raise.
    const both = await runCli(['validate', '--warnings-as-errors', FIXTURE], {
      env: { TOLLGATE_CONFIG_FILE: configFile('severity:\n  TG_PLAINTEXT_SECRET: off\n') },
    });
    expect(both.code).toBe(0);
  });

  it('plan refuses manifests with a warning raised to an error, as validate does (nothing is sent)', async () => {
    const run = await runCli(['plan', '--env', 'dev', FIXTURE], {
      env: { TOLLGATE_CONFIG_FILE: configFile('severity:\n  TG_PLAINTEXT_SECRET: error\n') },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error TG_PLAINTEXT_SECRET');
    expect(run.stderr).toContain('nothing was planned');
  });

  it('check: a finding lowered to a warning no longer fails; --warnings-as-errors fails on it; test results get them too', async () => {
    const repo = new GitRepo();
    try {
      repo.write({
        'greetings.yaml': readFileSync(path.join(ROOT, 'examples/quickstart/greetings.yaml'), 'utf8'),
        'environment.yaml': readFileSync(path.join(ROOT, 'examples/quickstart/environment.yaml'), 'utf8'),
      });
      repo.commit('base');
      repo.edit('greetings.yaml', ['type: basic-auth', 'type: basic-auth\n      enabled: false']);
      const base = await runCli(['check', '--base', 'main', '--output', 'json', '.'], { cwd: repo.dir });
      expect(base.code).toBe(1);
      const codes = (JSON.parse(base.stdout) as { findings: { code: string; severity: string }[] }).findings.map(
        (f) => `${f.code}:${f.severity}`,
      );
      expect(codes).toContain('TG_AUTH_REMOVED:error');
      expect(JSON.parse(base.stdout).tests.totals.failed).toBeGreaterThan(0);

      writeFileSync(
        path.join(repo.dir, '.tollgate.yaml'),
        'severity:\n  TG_AUTH_REMOVED: warning\n  TG_TEST_FAILED: warning\n',
      );
      const lowered = await runCli(['check', '--base', 'main', '--output', 'json', '.'], { cwd: repo.dir });
      const report = JSON.parse(lowered.stdout) as {
        findings: { code: string; severity: string }[];
        summary: { errors: number };
        exitCode: number;
        severity: unknown;
      };
      expect(report.findings.map((f) => `${f.code}:${f.severity}`)).toContain('TG_AUTH_REMOVED:warning');
      expect(report.summary.errors).toBe(0);
      expect(lowered.code).toBe(0);
      expect(report.severity).toEqual({
        levels: { TG_AUTH_REMOVED: 'warning', TG_TEST_FAILED: 'warning' },
        warningsAsErrors: false,
      });

      const strict = await runCli(['check', '--base', 'main', '--warnings-as-errors', '.'], { cwd: repo.dir });
      expect(strict.code).toBe(1);
      expect(strict.stdout).toMatch(/error.*TG_AUTH_REMOVED/);
    } finally {
      repo.cleanup();
    }
  });
});
