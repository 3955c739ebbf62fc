import { spawn } from 'node:child_process';
import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/gateway-process.js';

/**
 * The CI line (.ci/run) must read as failing whenever the run failed: these
 * run vitest on small fixture files with the reporter and the line script
 * .ci/run uses, and read the line they print.
 */

interface Ran {
  code: number | null;
  stdout: string;
}

function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.resume();
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout }));
  });
}

/** vitest on one fixture, then the line as .ci/run prints it. */
async function ciLine(fixture: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; lines: string[] }> {
  const summary = path.join(await mkdtemp(path.join(tmpdir(), 'tollgate-ci-line-')), 'summary.json');
  const vitest = await run(
    [
      path.join(ROOT, 'node_modules/vitest/vitest.mjs'),
      'run',
      '--config',
      'test/ci/fixtures/vitest.config.ts',
      '--reporter=./scripts/test-summary-reporter.ts',
      '--coverage.enabled=false',
      fixture,
    ],
    { ...env, TOLLGATE_TEST_SUMMARY: summary },
  );
  const line = await run(['scripts/test-line.mjs', summary, String(vitest.code)]);
  return { code: line.code, lines: line.stdout.trimEnd().split('\n') };
}

/** A folder to put first on PATH, holding a redis-server that exits at once. */
async function brokenRedisServer(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-no-redis-'));
  const fake = path.join(dir, 'redis-server');
  await writeFile(fake, '#!/bin/sh\necho "FATAL: cannot start" >&2\nexit 1\n');
  await chmod(fake, 0o755);
  return dir;
}

describe('the CI line', () => {
  it('counts passed and skipped tests of a clean run, and exits 0', async () => {
    const { code, lines } = await ciLine('passing.fixture.ts');
    expect(lines.at(-1)).toBe('tests: 1 passed, 0 failed, 1 skipped');
    expect(code).toBe(0);
  });

  it('a hook that throws is a failure', async () => {
    const { code, lines } = await ciLine('throwing-after-all.fixture.ts');
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed');
    expect(lines).toContainEqual(
      expect.stringMatching(/^failure: .*throwing-after-all\.fixture\.ts: Error: cleanup failed$/),
    );
    expect(code).toBe(1);
  });

  it('an unhandled rejection is a failure', async () => {
    const { code, lines } = await ciLine('unhandled-rejection.fixture.ts');
    expect(lines.at(-1)).toBe('tests: 1 passed, 1 failed');
    expect(lines).toContainEqual('failure: unhandled error: Error: nobody awaited this');
    expect(code).toBe(1);
  });

  it('a redis-server that cannot start fails the tests that need it, not skips them', async () => {
    const bin = await brokenRedisServer();
    const { code, lines } = await ciLine('needs-redis.fixture.ts', {
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    // Two tests that could not run, and the hook that failed.
    expect(lines.at(-1)).toBe('tests: 0 passed, 3 failed');
    expect(lines).toContainEqual(expect.stringMatching(/^failure: .*redis-server exited with 1: FATAL: cannot start/));
    expect(code).toBe(1);
  });

  it('a missing redis-server too', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'tollgate-empty-path-'));
    const { code, lines } = await ciLine('needs-redis.fixture.ts', { PATH: empty });
    expect(lines.at(-1)).toBe('tests: 0 passed, 3 failed');
    expect(lines).toContainEqual(expect.stringMatching(/^failure: .*redis-server could not start/));
    expect(code).toBe(1);
  });

  it('a test command that failed with every test passed (e.g. coverage under its floor) is a failure', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-ci-line-'));
    const summary = path.join(dir, 'summary.json');
    await writeFile(summary, JSON.stringify({ passed: 3, failed: 0, skipped: 0, problems: [] }));
    const failedCommand = await run(['scripts/test-line.mjs', summary, '1']);
    expect(failedCommand.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 3 passed, 1 failed');
    expect(failedCommand.code).toBe(1);
    const noResults = await run(['scripts/test-line.mjs', path.join(dir, 'missing.json'), '1']);
    expect(noResults.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 0 passed, 1 failed');
    expect(noResults.code).toBe(1);
  });

  it('a check that failed (npm run lint) is one failure more; one that passed adds nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-ci-line-'));
    const summary = path.join(dir, 'summary.json');
    await writeFile(summary, JSON.stringify({ passed: 3, failed: 0, skipped: 0, problems: [] }));
    const lintFailed = await run(['scripts/test-line.mjs', '--check', 'lint', '1', summary, '0']);
    expect(lintFailed.stdout).toMatch(/^failure: lint failed/m);
    expect(lintFailed.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 3 passed, 1 failed');
    expect(lintFailed.code).toBe(1);
    const lintPassed = await run(['scripts/test-line.mjs', '--check', 'lint', '0', summary, '0']);
    expect(lintPassed.stdout.trimEnd().split('\n').at(-1)).toBe('tests: 3 passed, 0 failed');
    expect(lintPassed.code).toBe(0);
  });
});
