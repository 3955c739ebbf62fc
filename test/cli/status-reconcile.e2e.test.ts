import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { signGithubPayload } from '../../src/reconcile/webhook.js';
import { runCli } from '../helpers/cli.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { freePort } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { eventually } from '../helpers/wait.js';

/** `tollgate status` against a running `tollgate reconcile --prune --webhook-secret-env …`. */
describe('tollgate status and reconcile options', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let reconciler: LoggedProcess;
  let url: string;
  let dir: string;

  const manifests = (apis: string[], limit: number | string = 10) =>
    `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  nodes: [{ name: gw, adminUrl: "${gw.adminUrl}", token: "\${env:GW_TOKEN}" }]\n` +
    apis
      .map(
        (name) =>
          `---\napiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: ${name} }\nspec:\n  version: v1\n  basePath: /${name}\n  upstream: ${upstream.url}\n  environments: [prod]\n  policies:\n    - { name: limit, type: rate-limiting, config: { rateLimits: [{ maximumRequests: ${limit}, timePeriodInMilliseconds: 1000 }] } }\n`,
      )
      .join('');
  const liveApis = async () =>
    ((await gw.admin('GET', '/state')).body.state?.apis ?? []).map((a: { name: string }) => a.name);
  const status = (...args: string[]) => runCli(['status', '--url', url, ...args]);
  const hook = (secret: string) => {
    const payload = JSON.stringify({ ref: 'refs/heads/main' });
    return request(`${url}/hooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-hub-signature-256': signGithubPayload(secret, payload),
      },
      body: payload,
    });
  };

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-status-'));
    await writeFile(path.join(dir, 'all.yaml'), manifests(['catalog', 'orders']));
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-status-state-'));
    reconciler = spawnCli(
      [
        'reconcile',
        '--env',
        'prod',
        '--source',
        dir,
        '--prune',
        '--drift-interval',
        '0',
        '--webhook-secret-env',
        'HOOK_SECRET_UNDER_TEST',
        '--listen',
        '127.0.0.1:0',
        '--state-dir',
        stateDir,
      ],
      {
        GW_TOKEN: ADMIN_TOKEN,
        HOOK_SECRET_UNDER_TEST: 'the-named-secret',
        TOLLGATE_WEBHOOK_SECRET: 'the-default-variable',
      },
    );
    url = String((await reconciler.waitForLog((l) => l.msg === 'reconciler listening')).url);
    await eventually(async () => (await liveApis()).length === 2);
  });
  afterAll(async () => {
    await reconciler?.stop();
    await gw?.stop();
    await upstream?.close();
  });

  it('status: what the reconciler reports, as text and JSON; exit 0 while Ready', async () => {
    const text = await status();
    expect(text.code, text.stderr).toBe(0);
    const revision = /last applied: {3}(sha256:[0-9a-f]{64})\n/.exec(text.stdout)?.[1] as string;
    expect(revision, text.stdout).toBeDefined();
    expect(text.stdout.split('\n')).toEqual([
      `environment prod ← folder ${dir}`,
      `  last applied:   ${revision}`,
      `  last attempted: ${revision}`,
      '  conditions:',
      `    ✓ Ready       Applied — revision ${revision.slice(0, 19)} is applied on 1 node(s)`,
      '    · Reconciling Idle',
      '    ✓ Stalled     Converged',
      '  nodes:',
      '    gw: applied @ gateway revision 1; in sync',
      '  history:',
      expect.stringMatching(
        new RegExp(
          `^ {4}\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  ${revision.slice(0, 19)}  applied +\\d+ ms  3 change\\(s\\)  \\(start\\)$`,
        ),
      ),
      'healthy: Ready, not stalled',
      '',
    ]);
    const json = await status('--output', 'json');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      environment: string;
      lastAppliedRevision: string;
      conditions: { type: string; status: boolean }[];
    };
    expect(parsed.environment).toBe('prod');
    expect(parsed.lastAppliedRevision).toBe(revision);
    expect(parsed.conditions.find((c) => c.type === 'Ready')?.status).toBe(true);
  });

  it('--prune: an Api removed from the folder is deleted from the gateway', async () => {
    await writeFile(path.join(dir, 'all.yaml'), manifests(['orders']));
    await eventually(async () => (await liveApis()).join() === 'orders');
  });

  it('--webhook-secret-env: the webhook takes the secret of the named variable, not the default one', async () => {
    const named = await hook('the-named-secret');
    expect(named.statusCode).toBe(202);
    expect(await named.body.json()).toEqual({ ok: true, triggered: true });
    const other = await hook('the-default-variable');
    expect(other.statusCode).toBe(401);
    await other.body.dump();
  });

  it('status exits 1 when the reconciler is not Ready, and names the reason', async () => {
    await writeFile(path.join(dir, 'all.yaml'), manifests(['orders'], 'plenty'));
    await eventually(async () => (await status()).code === 1);
    const text = await status();
    expect(text.stdout.split('\n')).toContainEqual(expect.stringMatching(/^ {4}✗ Ready {7}ValidationFailed/));
    await writeFile(path.join(dir, 'all.yaml'), manifests(['orders'], 20));
    await eventually(async () => (await status()).code === 0);
  });

  it('status exits 1 for a reconciler it cannot reach', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const run = await runCli(['status', '--url', nowhere]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^error: reconciler at ${nowhere.replaceAll('.', '\\.')} unreachable: `));
  });

  it('reconcile needs exactly one source: TG_USAGE', async () => {
    for (const args of [[], ['--source', dir, '--git', dir]]) {
      const run = await runCli(['reconcile', '--env', 'prod', ...args]);
      expect(run).toMatchObject({
        code: 1,
        stderr: 'error TG_USAGE: give exactly one of --source <dir> or --git <url>\n',
      });
    }
  });
});
