import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/git-repo.js';

/**
 * Policies written without `config:`, and overrides whose merged config breaks
 * the policy schema: `validate` (and `check`) report them at their position
 * instead of crashing, and never accept what the gateway would refuse.
 */

const ENVIRONMENT = `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: dev }
spec: { precedence: strict }
`;

function api(policies: string, overrides = ''): string {
  return `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: http://127.0.0.1:9
  environments: [dev]
  policies:
${policies}${overrides}`;
}

async function repository(apiText: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-missing-config-'));
  await writeFile(path.join(dir, 'environment.yaml'), ENVIRONMENT);
  await writeFile(path.join(dir, 'orders.yaml'), apiText);
  return dir;
}

async function validateJson(dir: string): Promise<{ code: number | null; stderr: string; diagnostics: Diagnostic[] }> {
  const run = await runCli(['validate', '--output', 'json', dir]);
  let diagnostics: Diagnostic[];
  try {
    diagnostics = (JSON.parse(run.stdout) as { diagnostics: Diagnostic[] }).diagnostics;
  } catch {
    throw new Error(`validate printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { code: run.code, stderr: run.stderr, diagnostics };
}

function errors(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

describe('validate: policies without config, overrides that break the schema', () => {
  it.each([
    ['rate-limiting', 'rateLimits'],
    ['custom', 'module'],
    ['basic-auth', 'username'],
    ['ip-allowlist', 'ips'],
    ['ip-blocklist', 'ips'],
  ])('%s without config: exit 1, TG_SCHEMA at the policy, naming the missing field %s', async (type, field) => {
    const dir = await repository(api(`    - name: p\n      type: ${type}\n`));
    const run = await validateJson(dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const found = errors(run.diagnostics);
    expect(found.length).toBeGreaterThan(0);
    expect(found.find((d) => d.message.includes(`"${field}"`))).toMatchObject({
      code: 'TG_SCHEMA',
      file: path.join(dir, 'orders.yaml'),
      line: 10,
      col: 7,
      path: 'spec.policies[0].config',
      message: expect.stringContaining(`${type} "p" has no config`),
    });
    for (const d of run.diagnostics) expect(d).toMatchObject({ line: expect.any(Number), col: expect.any(Number) });
  });

  it('an override whose origin group has no origins: TG_SCHEMA at the override, no crash', async () => {
    const dir = await repository(
      api(
        '    - name: browsers\n      type: cors\n      config: { publicResource: false, originGroups: [{ origins: ["https://a.example"] }] }\n',
        '  overrides:\n    dev:\n      policies:\n        browsers: { config: { originGroups: [{ name: partners }] } }\n',
      ),
    );
    const run = await validateJson(dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(errors(run.diagnostics)).toEqual([
      expect.objectContaining({
        code: 'TG_SCHEMA',
        line: 16,
        col: 46,
        path: 'spec.overrides.dev.policies.browsers.config.originGroups[0]',
        message: expect.stringContaining('missing required field "origins"'),
      }),
    ]);
  });

  it("an override that makes a config break a policy's own rule: TG_POLICY_CONFIG at the override", async () => {
    const dir = await repository(
      api(
        '    - name: browsers\n      type: cors\n      config: { publicResource: false, originGroups: [{ origins: ["https://a.example"] }] }\n',
        '  overrides:\n    dev:\n      policies:\n        browsers: { config: { publicResource: true, supportCredentials: true } }\n',
      ),
    );
    const run = await validateJson(dir);
    expect(run.code).toBe(1);
    expect(errors(run.diagnostics)).toEqual([
      expect.objectContaining({
        code: 'TG_POLICY_CONFIG',
        line: 16,
        col: 73,
        path: 'spec.overrides.dev.policies.browsers.config.supportCredentials',
      }),
    ]);
  });

  it('text output names the position too, and prints no stack trace', async () => {
    const dir = await repository(api('    - name: limit\n      type: rate-limiting\n'));
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(
      `${path.join(dir, 'orders.yaml')}:10:7: error TG_SCHEMA rate-limiting "limit" has no config`,
    );
  });

  it('check refuses a head that adds basic-auth without config', async () => {
    const repo = await createRepo();
    await repo.write('environment.yaml', ENVIRONMENT);
    await repo.write(
      'orders.yaml',
      api(
        '    - name: limit\n      type: rate-limiting\n      config: { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] }\n',
      ),
    );
    repo.commit('base');
    await repo.write(
      'orders.yaml',
      api(
        '    - name: limit\n      type: rate-limiting\n      config: { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] }\n    - name: login\n      type: basic-auth\n',
      ),
    );
    const run = await runCli(['check', '--base', 'HEAD', '--output', 'json', '.'], { cwd: repo.dir });
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { valid: boolean; validation: Diagnostic[] };
    expect(report.valid).toBe(false);
    expect(report.validation).toContainEqual(
      expect.objectContaining({
        code: 'TG_SCHEMA',
        line: 13,
        col: 7,
        message: expect.stringContaining('basic-auth "login" has no config'),
      }),
    );
  });
});
