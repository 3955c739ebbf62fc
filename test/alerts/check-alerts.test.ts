import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';

interface Finding {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  path?: string;
  environments?: string[];
}
interface Report {
  findings: Finding[];
  plans: {
    environment: string;
    status: string;
    alerts: { kind: string; alert: string; fields?: { path: string; before: unknown; after: unknown }[] }[];
  }[];
}

const environment = (name: string) => `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: ${name} }
spec:
  nodes: [{ name: ${name}-1, adminUrl: "http://127.0.0.1:1" }]
`;

const API = `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: http://orders.internal:8080
  environments: [dev, prod]
  policies:
    - name: quota
      type: rate-limiting
      config:
        rateLimits: [{ maximumRequests: 10, timePeriodInMilliseconds: 1000 }]
`;

interface AlertFields {
  environments?: string;
  type?: string;
  extra?: string;
  threshold?: number;
  periods?: number;
  period?: string;
  severity?: string;
}

const alert = (name: string, f: AlertFields = {}) => `apiVersion: tollgate.dev/v1
kind: Alert
metadata: { name: ${name} }
spec:
  environments: ${f.environments ?? '[dev, prod]'}
  type: ${f.type ?? 'response-code'}
${f.extra ?? '  codes: [500, 502, 503]\n'}  severity: ${f.severity ?? 'critical'}
  condition: { operator: greater, threshold: ${f.threshold ?? 10} }
  periods: ${f.periods ?? 2}
  period: ${f.period ?? '1m'}
  notify:
    - { webhook: "\${env:ONCALL_URL}", secret: "\${env:ONCALL_SECRET}" }
`;

async function check(repo: TestRepo, head: string, output = 'json'): Promise<{ code: number | null; stdout: string }> {
  const run = await runCli(['check', '--output', output, '--base', 'main', '--head', head, '.'], { cwd: repo.dir });
  return { code: run.code, stdout: run.stdout };
}

async function report(repo: TestRepo, head: string): Promise<Report> {
  return JSON.parse((await check(repo, head)).stdout) as Report;
}

describe('check: alerts in a pull request', () => {
  let repo: TestRepo;

  beforeAll(async () => {
    repo = await createRepo();
    await repo.write('dev.yaml', environment('dev'));
    await repo.write('prod.yaml', environment('prod'));
    await repo.write('orders.yaml', API);
    await repo.write('errors.yaml', alert('errors'));
    repo.commit('base');
    const branch = async (name: string, files: Record<string, string | null>) => {
      repo.git('checkout', '-q', '-b', name, 'main');
      for (const [file, text] of Object.entries(files)) {
        if (text === null) repo.git('rm', '-q', file);
        else await repo.write(file, text);
      }
      repo.commit(name);
      repo.git('checkout', '-q', 'main');
    };
    await branch('deleted', { 'errors.yaml': null });
    await branch('prod-dropped', { 'errors.yaml': alert('errors', { environments: '[dev]' }) });
    await branch('retyped', { 'errors.yaml': alert('errors', { type: 'request-count', extra: '' }) });
    await branch('duller', {
      'errors.yaml': alert('errors', { threshold: 50, periods: 5, severity: 'info', extra: '  codes: [500]\n' }),
    });
    await branch('same-rate', { 'errors.yaml': alert('errors', { threshold: 20, period: '2m', periods: 1 }) });
    await branch('sharper', {
      'errors.yaml': alert('errors', { threshold: 5, periods: 1 }),
      'throttled.yaml': alert('throttled', { type: 'policy-violation', extra: '  policy: quota\n' }),
    });
  });

  it('an alert deleted is flagged in every environment it watched', async () => {
    const { findings, plans } = await report(repo, 'deleted');
    expect(findings).toContainEqual(
      expect.objectContaining({
        code: 'TG_ALERT_REMOVED',
        severity: 'warning',
        environments: ['dev', 'prod'],
        message: expect.stringMatching(/^Alert "errors" \(response-code\) was deleted$/),
      }),
    );
    expect(plans.find((p) => p.environment === 'prod')).toMatchObject({
      status: 'changed',
      alerts: [{ kind: 'remove-alert', alert: 'errors' }],
    });
  });

  it('an alert that stops watching an environment is flagged at its environments, there only', async () => {
    const { findings, plans } = await report(repo, 'prod-dropped');
    const removed = findings.filter((f) => f.code === 'TG_ALERT_REMOVED');
    expect(removed).toEqual([
      expect.objectContaining({
        file: 'errors.yaml',
        line: 5,
        path: 'spec.environments',
        environments: ['prod'],
        message: 'Alert "errors" no longer watches environment "prod"',
      }),
    ]);
    expect(plans.find((p) => p.environment === 'dev')).toMatchObject({ status: 'unchanged', alerts: [] });
  });

  it('an alert turned into another type is the old alert removed', async () => {
    const { findings } = await report(repo, 'retyped');
    expect(findings).toContainEqual(
      expect.objectContaining({
        code: 'TG_ALERT_REMOVED',
        line: 6,
        path: 'spec.type',
        message: expect.stringMatching(/watches request-count instead of response-code/),
      }),
    );
  });

  it('a higher threshold, more periods, fewer codes and a lower severity are each flagged at their field', async () => {
    const { findings, plans } = await report(repo, 'duller');
    const weakened = findings.filter((f) => f.code === 'TG_ALERT_WEAKENED' && f.environments?.includes('prod'));
    expect(weakened.map((f) => [f.path, f.line])).toEqual([
      ['spec.codes', 7],
      ['spec.severity', 8],
      ['spec.condition.threshold', 9],
      ['spec.periods', 10],
    ]);
    expect(weakened.map((f) => f.message)).toEqual([
      'Alert "errors" is less sensitive: it no longer counts 502, 503',
      'Alert "errors" is less sensitive: its severity dropped from critical to info',
      'Alert "errors" is less sensitive: the threshold moved from 10 per 1m to 50 per 1m',
      'Alert "errors" is less sensitive: it fires after 5 × 1m instead of 2 × 1m',
    ]);
    const update = plans.find((p) => p.environment === 'dev')?.alerts[0];
    expect(update).toMatchObject({ kind: 'update-alert', alert: 'errors' });
    expect(update?.fields).toContainEqual({
      path: 'condition',
      before: 'greater 10 for 2 × 1m',
      after: 'greater 50 for 5 × 1m',
    });
  });

  it('the same rate over one longer period that fires as soon is not weaker', async () => {
    const { findings, plans } = await report(repo, 'same-rate');
    expect(findings.filter((f) => f.code.startsWith('TG_ALERT'))).toEqual([]);
    expect(plans.find((p) => p.environment === 'dev')?.alerts).toHaveLength(1);
  });

  it('a sharper alert and a new one are shown in the plan, not flagged, in text and markdown too', async () => {
    const { findings, plans } = await report(repo, 'sharper');
    expect(findings.filter((f) => f.code.startsWith('TG_ALERT'))).toEqual([]);
    expect(plans.find((p) => p.environment === 'prod')?.alerts.map((a) => `${a.kind} ${a.alert}`)).toEqual([
      'update-alert errors',
      'add-alert throttled',
    ]);
    const text = await check(repo, 'sharper', 'text');
    expect(text.stdout).toContain('alerts: 1 to add, 1 to change, 0 to remove');
    expect(text.stdout).toContain(
      '+ add alert throttled (policy-violation of quota greater 10 for 2 × 1m, critical, node counts, every API → json: ${env:ONCALL_URL} (signed))',
    );
    const markdown = await check(repo, 'sharper', 'markdown');
    expect(markdown.stdout).toContain(
      '| update alert errors | `condition`: greater 10 for 2 × 1m → greater 5 for 1 × 1m |',
    );
  });
});
