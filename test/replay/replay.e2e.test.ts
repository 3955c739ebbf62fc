import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually, statusOf } from '../helpers/wait.js';

const SECRETS = { ACME_SECRET: 'acme-secret-0123456789', BETA_SECRET: 'beta-secret-0123456789' };

/** One environment: orders (a limit per client, then client-id enforcement) and catalog (spike control). */
function manifests(o: {
  upstream: string;
  records: string;
  perClient: number;
  spike?: string;
  enforcement?: boolean;
}): Record<string, string> {
  return {
    'prod.yaml': `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: prod }
spec:
  precedence: strict
  accessRecords: { enabled: true, sampling: 1, destination: { file: ${JSON.stringify(o.records)} } }
`,
    'orders.yaml': `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${o.upstream}
  environments: [prod]
  policies:
    - name: per-client
      type: rate-limiting
      config: { keySelector: { source: client-id }, rateLimits: [{ maximumRequests: ${o.perClient}, timePeriodInMilliseconds: 3600000 }] }
${o.enforcement === false ? '' : '    - name: partners\n      type: client-id-enforcement\n'}`,
    'catalog.yaml': `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: catalog }
spec:
  version: v1
  basePath: /catalog
  upstream: ${o.upstream}
  environments: [prod]
  policies:
    - name: burst
      type: spike-control
      config: ${o.spike ?? '{ maximumRequests: 2, timePeriodInMilliseconds: 1000, delayAttempts: 0 }'}
`,
    'apps.yaml': `apiVersion: tollgate.dev/v1
kind: Application
metadata: { name: acme }
spec:
  clientId: acme
  clientSecret: \${env:ACME_SECRET}
  contracts: [{ api: orders, version: v1 }]
---
apiVersion: tollgate.dev/v1
kind: Application
metadata: { name: beta }
spec:
  clientId: beta
  clientSecret: \${env:BETA_SECRET}
  contracts: [{ api: orders, version: v1 }]
`,
  };
}

async function writeAll(repo: TestRepo, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) await repo.write(name, text);
}

const client = (id: string, secret: string) => ({ client_id: id, client_secret: secret });

describe('tollgate replay: recorded traffic through two versions of the manifests', () => {
  let upstream: TestUpstream;
  let repo: TestRepo;
  let records: string;
  let served: number;
  const replay = (...args: string[]) =>
    runCli(['replay', '--records', records, ...args], { cwd: repo.dir, env: { ACME_SECRET: '', BETA_SECRET: '' } });

  beforeAll(async () => {
    upstream = await startUpstream();
    repo = await createRepo();
    records = path.join(repo.dir, '..', `${path.basename(repo.dir)}-access.ndjson`);
    const base = { upstream: upstream.url, records, perClient: 10 };
    await writeAll(repo, manifests(base));
    repo.commit('base');
    // The traffic: recorded by a real gateway serving the base.
    const gw: GatewayProcess = await startGatewayProcess({ args: ['--config', repo.dir], env: SECRETS });
    try {
      await gw.waitForLog((l) => l.msg === 'reloaded');
      for (let i = 0; i < 5; i++)
        expect(await statusOf(`${gw.url}/orders/o${i}`, client('acme', SECRETS.ACME_SECRET))).toBe(200);
      for (let i = 0; i < 2; i++)
        expect(await statusOf(`${gw.url}/orders/b${i}`, client('beta', SECRETS.BETA_SECRET))).toBe(200);
      expect(await statusOf(`${gw.url}/orders/guess`, client('acme', 'a-guessed-secret'))).toBe(401);
      expect(await statusOf(`${gw.url}/orders/anonymous`)).toBe(401);
      const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => statusOf(`${gw.url}/catalog/item${i}`)));
      expect(burst.sort()).toEqual([200, 200, 429, 429, 429, 429]);
      await eventually(async () => (await readFile(records, 'utf8').catch(() => '')).trim().split('\n').length >= 15);
    } finally {
      await gw.stop();
    }
    served = upstream.seen.length;
  }, 60_000);
  afterAll(async () => {
    await upstream?.close();
  });

  it('the recording against the manifests that served it: no request changes verdict', async () => {
    const run = await replay('-o', 'json');
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).changes).toEqual([]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      base: 'the recording',
      totals: { requests: 15, changed: 0 },
      records: { replayed: 15, skipped: 0 },
    });
  });

  it('a lower limit per client: the verified client that goes over it, as verified, without its secret; nothing sent upstream', async () => {
    repo.git('checkout', '-q', '-b', 'lower-limit');
    await writeAll(repo, manifests({ upstream: upstream.url, records, perClient: 3 }));
    repo.commit('lower the limit per client');
    const run = await replay('--base', 'main', '--head', 'lower-limit', '-o', 'json');
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout);
    expect(report.totals).toEqual({ requests: 15, changed: 2, newlyRefused: 2, newlyAdmitted: 0 });
    expect(report.changes).toEqual([
      expect.objectContaining({
        api: 'orders',
        policy: 'per-client',
        client: 'acme',
        change: 'newly-refused',
        status: 429,
        requests: 2,
        examples: [
          expect.objectContaining({ path: '/orders/o3', base: 'admitted', head: '429 by per-client' }),
          expect.objectContaining({ path: '/orders/o4' }),
        ],
      }),
    ]);
    expect(upstream.seen.length).toBe(served);
    const text = await replay('--base', 'main', '--head', 'lower-limit');
    expect(text.stdout).toContain(
      '15 recorded requests replayed: 2 (13.3%) change verdict — 2 newly refused, 0 newly admitted',
    );
    expect(text.stdout).toContain('orders: 2 requests of acme newly refused (429 by per-client)');
    expect(text.stdout).not.toContain(SECRETS.ACME_SECRET);
  });

  it('check --replay: the newly refused requests as a finding at the head policy, in json, markdown and github', async () => {
    const json = await runCli(['check', '--base', 'main', '--head', 'lower-limit', '--replay', records, '-o', 'json'], {
      cwd: repo.dir,
    });
    const report = JSON.parse(json.stdout);
    expect(report.replay).toEqual([
      expect.objectContaining({
        environment: 'prod',
        report: expect.objectContaining({ totals: expect.objectContaining({ newlyRefused: 2 }) }),
      }),
    ]);
    const finding = report.findings.find((f: { code: string }) => f.code === 'TG_REPLAY_REFUSED');
    expect(finding).toMatchObject({ severity: 'warning', file: 'orders.yaml', line: 10, environments: ['prod'] });
    expect(finding.message).toContain('2 recorded requests of 1 client to orders would be refused 429 by per-client');
    const markdown = await runCli(
      ['check', '--base', 'main', '--head', 'lower-limit', '--replay', records, '-o', 'markdown'],
      { cwd: repo.dir },
    );
    expect(markdown.stdout).toContain('### Replay of recorded traffic: prod');
    expect(markdown.stdout).toContain('| orders | newly refused | per-client (429) | 2 | 1 |');
    const github = await runCli(
      ['check', '--base', 'main', '--head', 'lower-limit', '--replay', records, '-o', 'github'],
      { cwd: repo.dir },
    );
    expect(github.stdout).toMatch(/^::warning file=orders\.yaml,line=10,.*TG_REPLAY_REFUSED/m);
    const failing = await runCli(
      ['check', '--base', 'main', '--head', 'lower-limit', '--replay', records, '--fail-on', 'warning'],
      { cwd: repo.dir },
    );
    expect(failing.code).toBe(1);
  });

  it('client-id enforcement removed: the claims and anonymous requests it refused are admitted (TG_REPLAY_ADMITTED)', async () => {
    repo.git('checkout', '-q', 'main');
    repo.git('checkout', '-q', '-b', 'open');
    await writeAll(repo, manifests({ upstream: upstream.url, records, perClient: 10, enforcement: false }));
    repo.commit('drop client-id enforcement');
    const run = await replay('--base', 'main', '--head', 'open', '-o', 'json');
    const report = JSON.parse(run.stdout);
    expect(report.totals).toMatchObject({ changed: 2, newlyAdmitted: 2, newlyRefused: 0 });
    expect(
      report.changes
        .map((g: { client: string; policy: string; status: number }) => `${g.client} ${g.policy} ${g.status}`)
        .sort(),
    ).toEqual(['acme (unverified) partners 401', 'ip 127.0.0.1 partners 401']);
    const check = await runCli(['check', '--base', 'main', '--head', 'open', '--replay', records, '-o', 'json'], {
      cwd: repo.dir,
    });
    const admitted = JSON.parse(check.stdout).findings.filter((f: { code: string }) => f.code === 'TG_REPLAY_ADMITTED');
    expect(admitted).toEqual([
      expect.objectContaining({
        file: 'orders.yaml',
        message: expect.stringContaining('that partners refused 401 at the base would be admitted'),
      }),
    ]);
  });

  it('spike control that delays instead of refusing: the held requests wait in virtual time and two of them get through', async () => {
    await writeAll(
      repo,
      manifests({
        upstream: upstream.url,
        records,
        perClient: 10,
        enforcement: false,
        spike:
          '{ maximumRequests: 2, timePeriodInMilliseconds: 1000, delayTimeInMillis: 600, delayAttempts: 2, queuingLimit: 10 }',
      }),
    );
    const run = await replay('--base', 'main', '-o', 'json');
    const report = JSON.parse(run.stdout);
    const catalog = report.apis.find((a: { api: string }) => a.api === 'catalog');
    expect(catalog).toMatchObject({ requests: 6, newlyAdmitted: 2, newlyRefused: 0 });
  });

  it('a folder of records, rotated and gzipped, reads as one stream; bad lines are skipped and named', async () => {
    const folder = path.join(path.dirname(records), `${path.basename(repo.dir)}-records`);
    const lines = (await readFile(records, 'utf8')).trim().split('\n');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(path.join(folder, 'access.ndjson.1.gz'), gzipSync(lines.slice(0, 8).join('\n') + '\n'));
    await writeFile(path.join(folder, 'access.ndjson'), `${lines.slice(8).join('\n')}\nnot a record\n`);
    await writeFile(path.join(folder, 'notes.txt'), 'ignored');
    const run = await runCli(['replay', '--records', folder, '--base', 'main', '--head', 'lower-limit', '-o', 'json'], {
      cwd: repo.dir,
    });
    const report = JSON.parse(run.stdout);
    expect(report.records).toMatchObject({
      replayed: 15,
      skipped: 1,
      problems: [{ file: path.join(folder, 'access.ndjson'), line: 8, message: 'not JSON' }],
    });
    expect(report.totals.newlyRefused).toBe(2);
  });

  it('a truncated gzip file is named as unreadable from where it breaks; the records before it and in the other files replay', async () => {
    const folder = path.join(path.dirname(records), `${path.basename(repo.dir)}-broken`);
    const lines = (await readFile(records, 'utf8')).trim().split('\n');
    await mkdir(folder, { recursive: true });
    const zipped = gzipSync(`${lines.slice(0, 8).join('\n')}\n`);
    await writeFile(path.join(folder, 'access.ndjson.1.gz'), zipped.subarray(0, zipped.length - 12));
    await writeFile(path.join(folder, 'access.ndjson'), `${lines.slice(8).join('\n')}\n`);
    const run = await runCli(['replay', '--records', folder, '--env', 'prod', '-o', 'json', '--head', 'main', '.'], {
      cwd: repo.dir,
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.records.problems).toEqual([
      expect.objectContaining({
        file: path.join(folder, 'access.ndjson.1.gz'),
        message: expect.stringContaining('could not be read further'),
      }),
    ]);
    expect(report.records.replayed).toBeGreaterThanOrEqual(7);
  });

  it('refuses what it cannot replay, with the reason: invalid manifests, missing records, an environment to name', async () => {
    const missing = await runCli(['replay', '--records', '/nonexistent/records', '.'], { cwd: repo.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error TG_RECORDS: /nonexistent/records: no such file or folder');
    await repo.write(
      'orders.yaml',
      'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: orders }\nspec: { version: v1 }\n',
    );
    const invalid = await replay();
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('the manifests of working tree (.) are invalid; nothing was replayed');
    expect(invalid.stderr).toContain('TG_SCHEMA');
    repo.git('checkout', '-q', '--', '.');
    await repo.write(
      'staging.yaml',
      'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: staging }\nspec: { precedence: strict }\n',
    );
    const ambiguous = await replay();
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('name the one the records come from with --env');
    expect((await replay('--env', 'prod')).code).toBe(2);
    const noBase = await replay('--env', 'staging', '--base', 'main');
    expect(noBase.code).toBe(1);
    expect(noBase.stderr).toMatch(/main \([0-9a-f]{12}\) does not define environment "staging"/);
  });
});
