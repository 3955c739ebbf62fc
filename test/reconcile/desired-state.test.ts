import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../../src/model/types.js';
import { applyEnvironment, planEnvironment } from '../../src/reconcile/apply-environment.js';
import { DesiredStateBuilder, type DesiredOutcome } from '../../src/reconcile/desired-state.js';
import { EngineClient } from '../../src/reconcile/target.js';
import { inProcessGateway } from '../helpers/in-process-gateway.js';

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/multi-env');
const SECRETS = {
  BACKOFFICE_PASSWORD: 'prod-backoffice-pw',
  SANDBOX_BACKOFFICE_PASSWORD: 'sandbox-backoffice-pw',
  CORNER_SHOP_CLIENT_SECRET: 'corner-shop-secret',
  ACME_CLIENT_SECRET: 'acme-secret',
  PRODUCTION_REDIS_URL: 'redis://127.0.0.1:1',
};

/** Each edit is applied to the repository in turn; after each, an incremental build must equal a build from scratch. */
const EDITS: { name: string; file: string; edit: (text: string) => string }[] = [
  {
    name: 'a rate limit',
    file: 'apis/backoffice.yaml',
    edit: (t) => t.replace('maximumRequests: 100,', 'maximumRequests: 150,'),
  },
  {
    name: 'an upstream',
    file: 'apis/catalog.yaml',
    edit: (t) =>
      t.replace('http://catalog.prod.svc.cluster.local:8080', 'http://catalog-v2.prod.svc.cluster.local:8080'),
  },
  {
    name: 'an automated policy of the environment',
    file: 'environments/production.yaml',
    edit: (t) => t.replace('- 198.51.100.17', '- 198.51.100.18'),
  },
  {
    name: 'an override',
    file: 'apis/backoffice.yaml',
    edit: (t) => t.replace('value: sandbox }', 'value: sandbox-eu }'),
  },
  {
    name: 'an application contract',
    file: 'applications/corner-shop.yaml',
    edit: (t) => t.replace(', environments: [sandbox]', ''),
  },
  { name: 'a comment only', file: 'apis/payments.yaml', edit: (t) => `# reviewed\n${t}` },
  // The APIs' order by name changes while every file stays where it is.
  {
    name: 'a rename',
    file: 'apis/backoffice.yaml',
    edit: (t) => t.replace('name: backoffice\n', 'name: zz-backoffice\n'),
  },
];

describe('DesiredStateBuilder: revision after revision', () => {
  let repo: string;
  const saved: Record<string, string | undefined> = {};

  beforeEach(async () => {
    repo = await mkdtemp(path.join(tmpdir(), 'tollgate-desired-'));
    await cp(EXAMPLE, repo, { recursive: true });
    for (const [name, value] of Object.entries(SECRETS)) {
      saved[name] = process.env[name];
      process.env[name] = value;
    }
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(repo, { recursive: true, force: true });
  });

  const edit = async (file: string, change: (text: string) => string) => {
    const full = path.join(repo, file);
    const before = await readFile(full, 'utf8');
    const after = change(before);
    expect(after, `the edit of ${file} changes nothing: the fixture moved`).not.toBe(before);
    await writeFile(full, after);
  };
  /** What a build decides; the manifests carry their parsed sources, which are compared through the state. */
  const decided = (outcome: DesiredOutcome) => (outcome.ok ? { ...outcome, manifests: undefined } : outcome);
  const fromScratch = async (env: string) => decided(await new DesiredStateBuilder().build([repo], env));
  const ok = (outcome: DesiredOutcome): EnvironmentState => {
    if (!outcome.ok) throw new Error(`not built: ${outcome.reason} ${JSON.stringify(outcome.diagnostics.slice(0, 2))}`);
    return outcome.state;
  };

  it('equals a build from scratch after every edit, in every environment', async () => {
    const builder = new DesiredStateBuilder();
    for (const env of ['production', 'sandbox']) ok(await builder.build([repo], env));
    for (const step of EDITS) {
      await edit(step.file, step.edit);
      for (const env of ['production', 'sandbox']) {
        expect(decided(await builder.build([repo], env)), `${step.name}, ${env}`).toEqual(await fromScratch(env));
      }
    }
  });

  it('reuses the objects built from unchanged files and rebuilds the others', async () => {
    const builder = new DesiredStateBuilder();
    const first = ok(await builder.build([repo], 'production'));
    const again = ok(await builder.build([repo], 'production'));
    expect(again.apis.every((api, i) => api === first.apis[i])).toBe(true);

    await edit('apis/backoffice.yaml', (t) => t.replace('maximumRequests: 100,', 'maximumRequests: 150,'));
    const edited = ok(await builder.build([repo], 'production'));
    const rebuilt = edited.apis.filter((api, i) => api !== first.apis[i]).map((api) => api.name);
    expect(rebuilt).toEqual(['backoffice']);

    // Every Api of the environment carries its automated policies: all of them are rebuilt.
    await edit('environments/production.yaml', (t) => t.replace('level: INFO', 'level: WARN'));
    const envEdited = ok(await builder.build([repo], 'production'));
    expect(envEdited.apis.some((api, i) => api === edited.apis[i])).toBe(false);
    for (const api of envEdited.apis)
      expect(
        (
          api.chain.find((p) => p.name === 'audit-log')?.config as {
            loggingConfiguration: { itemData: { level: string } }[];
          }
        ).loggingConfiguration[0]?.itemData.level,
      ).toBe('WARN');
  });

  it('hands out frozen APIs: writing to one throws instead of staling what later revisions share', async () => {
    const state = ok(await new DesiredStateBuilder().build([repo], 'production'));
    const backoffice = state.apis.find((a) => a.name === 'backoffice');
    expect(() => {
      (backoffice as { upstream: string }).upstream = 'http://elsewhere';
    }).toThrow(TypeError);
    expect(() => {
      (backoffice?.chain[0]?.config as Record<string, unknown>).x = 1;
    }).toThrow(TypeError);
  });

  it('resolves secrets again when their variables change', async () => {
    const builder = new DesiredStateBuilder();
    const password = (s: EnvironmentState) =>
      s.apis.find((a) => a.name === 'backoffice')?.chain.find((p) => p.name === 'staff-login')?.config.password;
    expect(password(ok(await builder.build([repo], 'production')))).toBe('prod-backoffice-pw');
    process.env.BACKOFFICE_PASSWORD = 'rotated-pw';
    expect(password(ok(await builder.build([repo], 'production')))).toBe('rotated-pw');
    delete process.env.BACKOFFICE_PASSWORD;
    const missing = await builder.build([repo], 'production');
    expect(missing.ok).toBe(false);
    expect(missing.ok ? '' : missing.reason).toContain('BACKOFFICE_PASSWORD');
    expect(JSON.stringify(missing)).not.toContain('rotated-pw');
  });

  it('reports an invalid edit like a build from scratch, and recovers when it is fixed', async () => {
    const builder = new DesiredStateBuilder();
    ok(await builder.build([repo], 'production'));
    const original = await readFile(path.join(repo, 'apis/backoffice.yaml'), 'utf8');
    await edit('apis/backoffice.yaml', (t) => t.replace('    - name: staff-network\n', '    - name: office-limit\n'));
    const broken = await builder.build([repo], 'production');
    expect(broken.ok).toBe(false);
    expect(decided(broken)).toEqual(await fromScratch('production'));
    await writeFile(path.join(repo, 'apis/backoffice.yaml'), original);
    expect(decided(await builder.build([repo], 'production'))).toEqual(await fromScratch('production'));
  });

  it('forgets a deleted file', async () => {
    const builder = new DesiredStateBuilder();
    ok(await builder.build([repo], 'production'));
    await rm(path.join(repo, 'apis/backoffice.yaml'));
    const after = decided(await builder.build([repo], 'production'));
    expect(after.ok).toBe(true);
    expect(after).toEqual(await fromScratch('production'));
  });

  it('plans against a gateway only what changed, and still sees a change made on the gateway', async () => {
    const gateway = await inProcessGateway();
    const { engine } = gateway;
    try {
      const node = [{ name: 'in-process', client: new EngineClient(engine) }];
      const builder = new DesiredStateBuilder();
      const first = ok(await builder.build([repo], 'sandbox'));
      expect((await applyEnvironment(first, node, { prune: true }))[0]?.result).toBe('applied');

      await edit('apis/backoffice.yaml', (t) => t.replace('maximumRequests: 100,', 'maximumRequests: 150,'));
      const second = ok(await builder.build([repo], 'sandbox'));
      const [applied] = await applyEnvironment(second, node, { prune: true });
      expect(applied?.changedApis).toEqual(['backoffice']);

      // Out of band: the catalog Api loses a policy on the gateway. Its desired object is cached; the live side is not.
      const live = engine.publicView(['catalog']);
      const catalog = live.state?.apis[0];
      if (!catalog) throw new Error('catalog is not on the gateway');
      const outcome = await engine.apply({
        expectedRevision: live.revision,
        changes: [{ op: 'put-api', api: { ...catalog, chain: catalog.chain.slice(0, -1) } }],
      });
      expect(outcome.ok).toBe(true);
      const [plan] = await planEnvironment(ok(await builder.build([repo], 'sandbox')), node, { prune: true });
      expect(plan?.plan?.changes.map((c) => `${c.kind} ${'api' in c ? c.api : ''}`)).toEqual(['add-policy catalog']);
    } finally {
      await gateway.close();
    }
  });
});
