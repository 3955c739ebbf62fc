import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../helpers/cli.js';
import { ADMIN_TOKEN, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { InFlight, startAdminProxy, type AdminProxy } from './admin-proxy.js';

/**
 * plan, apply and dump options and their refusals, against two real gateway
 * processes reached through proxies that count the admin requests in flight.
 */
describe('plan, apply and dump: options and refusals', () => {
  let a: GatewayProcess;
  let b: GatewayProcess;
  let upstream: TestUpstream;
  let repo: string;
  const inFlight = new InFlight();
  const proxies: AdminProxy[] = [];
  const env = { GW_TOKEN: ADMIN_TOKEN };
  const cli = (args: string[], extra: Record<string, string> = env): Promise<CliRun> => runCli(args, { env: extra });

  const api = (name: string) =>
    `---\napiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: ${name} }\nspec:\n  version: v1\n  basePath: /${name}\n  upstream: ${upstream.url}\n  environments: [prod, lonely]\n`;
  const writeRepo = async (apis: string[]) => {
    const [pa, pb] = proxies;
    await writeFile(
      path.join(repo, 'environments.yaml'),
      `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  nodes:\n    - { name: node-a, adminUrl: "${pa!.url}", token: "\${env:GW_TOKEN}" }\n    - { name: node-b, adminUrl: "${pb!.url}", token: "\${env:GW_TOKEN}" }\n---\napiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: lonely }\nspec:\n  precedence: strict\n`,
    );
    await writeFile(path.join(repo, 'apis.yaml'), apis.map(api).join(''));
  };
  const apisOn = async (gw: GatewayProcess) =>
    ((await gw.admin('GET', '/state')).body.state?.apis ?? []).map((x: { name: string }) => x.name);

  beforeAll(async () => {
    upstream = await startUpstream();
    [a, b] = await Promise.all([startGatewayProcess(), startGatewayProcess()]);
    proxies.push(await startAdminProxy(a.adminUrl, inFlight), await startAdminProxy(b.adminUrl, inFlight));
    repo = await mkdtemp(path.join(tmpdir(), 'tollgate-options-'));
    await writeRepo(['orders', 'catalog']);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop(), ...proxies.map((p) => p.close())]);
    await upstream.close();
  });

  it('apply without --yes, not on a terminal: shows the plan, refuses with TG_USAGE, applies nothing', async () => {
    const run = await cli(['apply', '--env', 'prod', repo]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('+ create api orders (/orders');
    expect(run.stderr).toBe('error TG_USAGE: not a terminal, so apply cannot ask for confirmation: pass --yes\n');
    expect(await apisOn(a)).toEqual([]);
  });

  it('apply --concurrency 1 works on one node at a time; by default on both at once', async () => {
    inFlight.max = 0;
    const one = await cli(['apply', '--env', 'prod', '--yes', '--concurrency', '1', repo]);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(inFlight.max).toBe(1);
    expect(
      one.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => l.replace(/ in \d+ ms$/, '')),
    ).toEqual(['[node-a] applied @ revision 1', '[node-b] applied @ revision 1']);
    await writeRepo(['orders', 'catalog', 'extra']);
    inFlight.max = 0;
    const both = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(both.code).toBe(0);
    expect(inFlight.max).toBe(2);
    for (const gw of [a, b]) expect(await apisOn(gw)).toEqual(['catalog', 'extra', 'orders']);
  });

  it('apply without --yes when nothing changed: says so and exits 0', async () => {
    const run = await cli(['apply', '--env', 'prod', repo]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nothing to apply.');
  });

  it('plan --prune previews the deletions that plan without it only mentions; -o markdown renders the same plan', async () => {
    await writeRepo(['orders']);
    const kept = await cli(['plan', '--env', 'prod', repo]);
    expect(kept.code).toBe(0);
    expect(kept.stdout).toContain('= delete api catalog (/catalog) — kept: pass --prune to delete');
    const pruned = await cli(['plan', '--env', 'prod', '--prune', repo]);
    expect(pruned.code).toBe(2);
    expect(pruned.stdout).toMatch(/- delete api catalog \(\/catalog/);
    expect(pruned.stdout).toMatch(/- delete api extra \(\/extra/);
    const markdown = await cli(['plan', '--env', 'prod', '--prune', '-o', 'markdown', repo]);
    expect(markdown.code).toBe(2);
    expect(markdown.stdout.split('\n')).toEqual([
      '### Environment `prod` — `node-a`, `node-b`',
      '',
      '| | change | details |',
      '|---|---|---|',
      expect.stringMatching(/^\| - \| delete api catalog \(\/catalog.*\|/),
      expect.stringMatching(/^\| - \| delete api extra \(\/extra.*\|/),
      '',
      '**Plan:** 0 to add, 0 to change, 2 to delete',
      '',
    ]);
    // Planning sent nothing.
    for (const gw of [a, b]) expect(await apisOn(gw)).toEqual(['catalog', 'extra', 'orders']);
  });

  it('dump --node reads that node; a node the environment does not have is TG_NO_NODES', async () => {
    await b.admin('POST', '/transactions', {
      expectedRevision: (await b.admin('GET', '/state')).body.revision,
      state: { ...(await b.admin('GET', '/state')).body.state, apis: [] },
    });
    const fromB = await cli(['dump', '--env', 'prod', '--node', 'node-b', repo]);
    expect(fromB.code, fromB.stderr).toBe(0);
    expect(fromB.stderr).toMatch(/^dumped node node-b at revision \d+\n/);
    expect(fromB.stdout).not.toContain('kind: Api');
    const fromA = await cli(['dump', '--env', 'prod', '--node', 'node-a', repo]);
    expect(fromA.stdout).toContain('name: orders');
    const missing = await cli(['dump', '--env', 'prod', '--node', 'node-z', repo]);
    expect(missing).toMatchObject({ code: 1, stderr: 'error TG_NO_NODES: no node node-z in environment "prod"\n' });
  });

  it('an environment without nodes: plan refuses with TG_NO_NODES, validate warns with it', async () => {
    const plan = await cli(['plan', '--env', 'lonely', repo]);
    expect(plan).toMatchObject({
      code: 1,
      stderr: 'error TG_NO_NODES: environment "lonely" lists no gateway nodes (spec.nodes)\n',
    });
    const validate = await cli(['validate', '--env', 'lonely', '--output', 'json', repo]);
    expect(validate.code).toBe(0);
    const diagnostics = (
      JSON.parse(validate.stdout) as { diagnostics: { code: string; severity: string; line: number; col: number }[] }
    ).diagnostics;
    expect(diagnostics.map((d) => [d.code, d.severity, d.line, d.col])).toEqual([['TG_NO_NODES', 'warning', 11, 19]]);
  });

  it('a token that is not set: TG_SECRET_UNRESOLVED before anything is sent', async () => {
    const seen = inFlight.seen;
    for (const command of ['plan', 'apply']) {
      const run = await cli(
        [command, '--env', 'prod', '--yes', repo].filter((x) => command === 'apply' || x !== '--yes'),
        {},
      );
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'error TG_SECRET_UNRESOLVED: set these environment variables first (referenced as ${env:NAME}): GW_TOKEN\nnothing was sent.\n',
      );
    }
    const dump = await cli(['dump', '--env', 'prod', repo], {});
    expect(dump).toMatchObject({
      code: 1,
      stderr: 'error TG_SECRET_UNRESOLVED: set GW_TOKEN (admin tokens of the nodes)\n',
    });
    expect(inFlight.seen).toBe(seen);
  });

  it('a wrong token: every node refuses (401), nothing is applied', async () => {
    const run = await cli(['apply', '--env', 'prod', '--yes', repo], { GW_TOKEN: 'not-the-token' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /node-a: failed — node node-a: GET \/state\/digests answered 401: Admin API calls need the bearer token of the node\./,
    );
    expect(await apisOn(a)).toEqual(['catalog', 'extra', 'orders']);
  });
});
