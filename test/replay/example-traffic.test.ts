import { cp, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';

/** The README's replay example, as written there: examples/multi-env and its recorded day of production. */
describe("the README's replay example", () => {
  let repo: TestRepo;
  beforeAll(async () => {
    repo = await createRepo();
    await cp(path.join(ROOT, 'examples/multi-env'), repo.dir, { recursive: true });
    repo.commit('the example');
    repo.git('checkout', '-q', '-b', 'crawler-limit');
    const file = path.join(repo.dir, 'apis/catalog.yaml');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('{ maximumRequests: 600, timePeriodInMilliseconds: 60000 }');
    await writeFile(
      file,
      text.replace(
        '{ maximumRequests: 600, timePeriodInMilliseconds: 60000 }',
        '{ maximumRequests: 100, timePeriodInMilliseconds: 60000 }',
      ),
    );
    repo.commit('catalog: at most 100 requests a minute per address');
  });

  it('the recorded day against the manifests that served it: nothing changes', async () => {
    const run = await runCli(
      ['replay', '--records', 'traffic/production.ndjson', '--env', 'production', '--head', 'main', '.'],
      { cwd: repo.dir },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('418 recorded requests replayed: none changes verdict');
  });

  it('check --replay names the crawler the lowered limit would refuse, at the limit', async () => {
    const run = await runCli(['check', '--base', 'main', '--replay', 'traffic/production.ndjson', '--no-tests', '.'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(0);
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    for (const line of [
      'apis/catalog.yaml:22:7: warning TG_REPLAY_REFUSED replayed traffic: 50 recorded requests of 1 client to catalog would be refused 429 by per-ip, which the base admitted (e.g. GET /catalog/products/100 of ip 203.0.113.50 at 2026-11-30T09:00:40.000Z) [production]',
      '        config.rateLimits[1].maximumRequests: 600 → 100',
      '  418 recorded requests replayed: 50 (12.0%) change verdict — 50 newly refused, 0 newly admitted',
      '    catalog: 50 requests of ip 203.0.113.50 newly refused (429 by per-ip)',
    ]) {
      expect(run.stdout).toContain(line);
      expect(readme).toContain(line);
    }
  });
});
