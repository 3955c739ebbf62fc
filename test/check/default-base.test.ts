import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';
import { checkJson } from './run.js';

/** `tollgate check` without --base: the remote's default branch, else main or master. */
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=r@example.com', '-c', 'user.name=R', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });

function repository(branch: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-default-base-'));
  git(dir, 'init', '-q', '-b', branch);
  for (const file of ['environment.yaml', 'greetings.yaml'])
    writeFileSync(path.join(dir, file), readFileSync(path.join(ROOT, 'examples/quickstart', file), 'utf8'));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'manifests');
  return dir;
}

describe('check: the default base', () => {
  it('a clone of a repository whose default branch is trunk compares with origin/trunk (origin/HEAD)', async () => {
    const upstream = repository('trunk');
    const clone = mkdtempSync(path.join(tmpdir(), 'tollgate-default-base-clone-'));
    git(clone, 'clone', '-q', upstream, '.');
    writeFileSync(
      path.join(clone, 'greetings.yaml'),
      readFileSync(path.join(clone, 'greetings.yaml'), 'utf8').replace('maximumRequests: 5', 'maximumRequests: 50'),
    );
    const { run, report } = await checkJson(clone, ['--no-tests', '.']);
    expect(report.base.ref).toBe('origin/trunk');
    expect(report.findings.map((f) => f.code)).toContain('TG_RATE_LIMIT_LOOSENED');
    expect(run.code).toBe(0);
  });

  it('without a remote: main, else master; with neither, an error that says to pass --base', async () => {
    expect((await checkJson(repository('main'), ['--no-tests', '.'])).report.base.ref).toBe('main');
    expect((await checkJson(repository('master'), ['--no-tests', '.'])).report.base.ref).toBe('master');
    const run = await runCli(['check', '.'], { cwd: repository('develop') });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /error TG_GIT: no base given and none found in .*: neither origin\/HEAD nor a main or master branch exists; pass --base REF/,
    );
  });
});
