import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { runCli, type CliRun } from '../helpers/cli.js';
import { ADMIN_TOKEN, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

const PASSWORD = 'plan-e2e-password-7f3a';
const env = { GW_TOKEN: ADMIN_TOKEN, ORDERS_PASSWORD: PASSWORD };

interface RepoOptions {
  limit?: number;
  order?: 'tag-first' | 'allow-first' | 'broken';
  authEnabled?: boolean;
  catalog?: boolean;
  noApis?: boolean;
}

describe('plan, apply and dump against two real gateway nodes', () => {
  let a: GatewayProcess;
  let b: GatewayProcess;
  let upstream: TestUpstream;
  let repo: string;
  const outputs: string[] = [];
  const cli = async (args: string[]): Promise<CliRun> => {
    const run = await runCli(args, { env });
    outputs.push(run.stdout, run.stderr);
    return run;
  };

  const writeRepo = async (o: RepoOptions = {}) => {
    const tag = `    - name: tag\n      type: header-injection\n      config:\n        inboundHeaders: [{ key: X-Tag, value: t }]\n`;
    const allow = `    - name: office\n      type: ip-allowlist\n      config: { ips: [127.0.0.0/8] }\n`;
    const limit = `    - name: limit\n      type: rate-limiting\n      config: { rateLimits: [{ maximumRequests: ${o.limit ?? 100}, timePeriodInMilliseconds: 60000 }] }\n`;
    const auth = `    - name: login\n      type: basic-auth\n      enabled: ${o.authEnabled ?? true}\n      config: { username: ops, password: "\${env:ORDERS_PASSWORD}" }\n`;
    const order = o.order ?? 'tag-first';
    const chain =
      order === 'broken'
        ? allow + limit + tag + auth
        : limit + (order === 'tag-first' ? tag + allow : allow + tag) + auth;
    const apis = o.noApis
      ? ''
      : `---\napiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: orders }\nspec:\n  version: v1\n  basePath: /orders\n  upstream: ${upstream.url}\n  environments: [prod]\n  policies:\n${chain}` +
        ((o.catalog ?? true)
          ? `---\napiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: catalog }\nspec:\n  version: v1\n  basePath: /catalog\n  upstream: ${upstream.url}\n  environments: [prod]\n`
          : '');
    await writeFile(
      path.join(repo, 'prod.yaml'),
      `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  precedence: strict\n  nodes:\n    - { name: node-a, adminUrl: "${a.adminUrl}", token: "\${env:GW_TOKEN}" }\n    - { name: node-b, adminUrl: "${b.adminUrl}", token: "\${env:GW_TOKEN}" }\n${apis}`,
    );
  };

  beforeAll(async () => {
    upstream = await startUpstream();
    [a, b] = await Promise.all([startGatewayProcess(), startGatewayProcess()]);
    repo = await mkdtemp(path.join(tmpdir(), 'tollgate-repo-'));
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    await upstream.close();
  });

  it('creates everything from empty on both nodes, then plans zero changes', async () => {
    await writeRepo();
    const plan = await cli(['plan', '--env', 'prod', repo]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('node-a @ revision 0, node-b @ revision 0');
    expect(plan.stdout).toContain('+ create api orders (/orders');
    const apply = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(apply.code, apply.stderr + apply.stdout).toBe(0);
    expect(apply.stdout).toContain('2 node(s) converged');
    for (const node of [a, b]) expect((await node.admin('GET', '/state')).body.revision).toBe(1);
    const again = await cli(['plan', '--env', 'prod', repo]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('no changes');
    const res = await request(`${a.url}/orders/1`, {
      headers: { authorization: `Basic ${Buffer.from(`ops:${PASSWORD}`).toString('base64')}` },
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  });

  it('updating one policy reloads only its API, on every node', async () => {
    await writeRepo({ limit: 50 });
    const plan = await cli(['plan', '--env', 'prod', '--output', 'json', repo]);
    expect(plan.code).toBe(2);
    const parsed = JSON.parse(plan.stdout) as { nodes: { plan: { changes: unknown[] } }[] };
    expect(parsed.nodes[0]!.plan.changes).toEqual([
      {
        kind: 'update-policy',
        api: 'orders',
        policy: 'limit',
        type: 'rate-limiting',
        fields: [{ path: 'config.rateLimits[0].maximumRequests', before: 100, after: 50 }],
      },
    ]);
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    for (const node of [a, b]) {
      const status = await node.admin('GET', '/status');
      expect(status.body.history[0]).toMatchObject({ result: 'applied', changedApis: ['orders'] });
    }
  });

  it('a reorder the profile allows is applied; one it forbids is refused before anything is sent', async () => {
    await writeRepo({ limit: 50, order: 'allow-first' });
    const plan = await cli(['plan', '--env', 'prod', repo]);
    expect(plan.stdout).toContain(
      '↕ reorder chain of orders: limit → tag → office → login  ⇒  limit → office → tag → login',
    );
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    const revision = (await a.admin('GET', '/state')).body.revision;
    await writeRepo({ limit: 50, order: 'broken' });
    const refused = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /TG_PRECEDENCE .*"limit" \(rate-limiting\) is listed after "office" \(ip-allowlist\)/,
    );
    expect((await a.admin('GET', '/state')).body.revision).toBe(revision);
  });

  it('disable and enable a policy', async () => {
    await writeRepo({ limit: 50, order: 'allow-first', authEnabled: false });
    expect((await cli(['plan', '--env', 'prod', repo])).stdout).toContain('~ disable policy orders/login (basic-auth)');
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    const open = await request(`${b.url}/orders/1`);
    expect(open.statusCode).toBe(200);
    await open.body.dump();
    await writeRepo({ limit: 50, order: 'allow-first' });
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    const closed = await request(`${b.url}/orders/1`);
    expect(closed.statusCode).toBe(401);
    await closed.body.dump();
  });

  it('prune: without --prune a removed API is kept; with it, deleted; deleting everything needs --allow-empty', async () => {
    await writeRepo({ limit: 50, order: 'allow-first', catalog: false });
    const kept = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(kept.code).toBe(0);
    expect((await a.admin('GET', '/state')).body.state.apis.map((x: { name: string }) => x.name)).toEqual([
      'catalog',
      'orders',
    ]);
    expect((await cli(['plan', '--env', 'prod', repo])).stdout).toContain(
      '= delete api catalog (/catalog) — kept: pass --prune to delete',
    );
    expect((await cli(['apply', '--env', 'prod', '--yes', '--prune', repo])).code).toBe(0);
    expect((await a.admin('GET', '/state')).body.state.apis.map((x: { name: string }) => x.name)).toEqual(['orders']);
    await writeRepo({ noApis: true });
    const refused = await cli(['apply', '--env', 'prod', '--yes', '--prune', repo]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('--allow-empty');
    expect((await a.admin('GET', '/state')).body.state.apis).toHaveLength(1);
    expect((await cli(['apply', '--env', 'prod', '--yes', '--prune', '--allow-empty', repo])).code).toBe(0);
    expect((await a.admin('GET', '/state')).body.state.apis).toHaveLength(0);
  });

  it('detects an out-of-band change on one node as a diff on that node only', async () => {
    await writeRepo({ limit: 50, order: 'allow-first' });
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    const live = (await b.admin('GET', '/state')).body;
    const tampered = structuredClone(live.state);
    tampered.apis
      .find((x: { name: string }) => x.name === 'orders')
      .chain.find((p: { name: string }) => p.name === 'limit').config.rateLimits[0].maximumRequests = 100000;
    expect((await b.admin('POST', '/transactions', { expectedRevision: live.revision, state: tampered })).status).toBe(
      200,
    );
    const plan = await cli(['plan', '--env', 'prod', repo]);
    expect(plan.code).toBe(2);
    expect(plan.stdout).toMatch(/— node-a @ revision \d+\n\s+no changes/);
    expect(plan.stdout).toMatch(
      /— node-b @ revision \d+\n\s+~ update policy orders\/limit \(rate-limiting\)\n\s+config\.rateLimits\[0\]\.maximumRequests: 100000 → 50/,
    );
    expect((await cli(['apply', '--env', 'prod', '--yes', repo])).code).toBe(0);
    expect((await cli(['plan', '--env', 'prod', repo])).code).toBe(0);
  });

  it('a node that is down does not stop the others; apply again converges it', async () => {
    const stateDir = b.stateDir;
    await b.stop();
    await writeRepo({ limit: 40, order: 'allow-first' });
    const partial = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(partial.code).toBe(1);
    expect(partial.stdout).toContain('1 of 2 node(s) did not converge');
    expect(partial.stdout).toMatch(/node-a: applied/);
    expect(partial.stdout).toMatch(/node-b: failed — node node-b .* unreachable/);
    // Same state dir and port as before, so the Environment's adminUrl still points at it.
    const port = new URL(b.adminUrl).port;
    b = await startGatewayProcess({ stateDir, args: ['--admin-listen', `127.0.0.1:${port}`] });
    const converged = await cli(['apply', '--env', 'prod', '--yes', repo]);
    expect(converged.code, converged.stdout).toBe(0);
    expect((await cli(['plan', '--env', 'prod', repo])).code).toBe(0);
  });

  it('dump writes manifests that validate and plan to zero changes when applied back', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'tollgate-dump-'));
    const dump = await cli(['dump', '--env', 'prod', '--out', out, repo]);
    expect(dump.code, dump.stderr).toBe(0);
    expect((await cli(['validate', out])).code).toBe(0);
    const plan = await cli(['plan', '--env', 'prod', out]);
    expect(plan.code, plan.stdout).toBe(0);
    const refs = await cli(['dump', '--env', 'prod', '--secrets-as-refs', repo]);
    expect(refs.stdout).toContain('password: ${env:ORDERS_LOGIN_PASSWORD}');
    expect(refs.stderr).toContain('ORDERS_LOGIN_PASSWORD');
  });

  it('never prints or logs a secret value', () => {
    for (const text of [...outputs, a.output(), b.output()]) expect(text).not.toContain(PASSWORD);
  });
});
