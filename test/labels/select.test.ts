import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownsEnvironment } from '../../src/labels/select.js';
import { parseSelector } from '../../src/labels/selector.js';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { environmentState } from '../../src/model/normalize.js';
import { finish } from '../../src/validate/index.js';
import { GitRepo } from '../check/git-repo.js';
import { checkJson } from '../check/run.js';
import { ROOT } from '../helpers/gateway-process.js';

const doc = (kind: string, name: string, labels: string, spec: string) =>
  `apiVersion: tollgate.dev/v1\nkind: ${kind}\nmetadata: { name: ${name}${labels ? `, labels: { ${labels} }` : ''} }\nspec:\n${spec}`;
const api = (name: string, team: string, extra = '') =>
  doc(
    'Api',
    name,
    `team: ${team}`,
    `  version: v1\n  basePath: /${name}\n  upstream: http://127.0.0.1:9/\n  environments: [dev]\n  policies: []\n${extra}`,
  );
const files = [
  { file: 'env.yaml', text: doc('Environment', 'dev', 'owner: platform', '  precedence: strict\n') },
  { file: 'orders.yaml', text: api('orders', 'a') },
  { file: 'catalog.yaml', text: api('catalog', 'b') },
  {
    file: 'app.yaml',
    text: doc(
      'Application',
      'shop',
      'team: a',
      '  clientId: shop-1\n  contracts: [{ api: catalog, version: v1 }, { api: orders, version: v1 }]\n',
    ),
  },
];

describe('what a selector selects', () => {
  it("validates the selected documents with every Environment; another team's names still count as defined", () => {
    const selected = finish(loadManifestTexts(files), { selector: parseSelector('team=a') });
    expect(selected.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(selected.manifests.apis.map((a) => a.name)).toEqual(['orders']);
    expect(selected.manifests.applications.map((a) => a.name)).toEqual(['shop']);
    expect(selected.manifests.environments.map((e) => e.name)).toEqual(['dev']);
    const state = environmentState(selected.manifests, 'dev');
    expect(state.apis.map((a) => [a.name, a.labels])).toEqual([['orders', { team: 'a' }]]);
    // Without a selector, every document (an unknown name is an error again once nothing is left out).
    expect(
      finish(loadManifestTexts(files.filter((f) => f.file !== 'catalog.yaml'))).diagnostics.map((d) => d.code),
    ).toContain('TG_UNKNOWN_REFERENCE');
    expect(finish(loadManifestTexts(files)).manifests.apis).toHaveLength(2);
  });

  it('an apply with a selector writes the environment settings only when it matches the Environment', () => {
    const set = loadManifestTexts(files).manifests;
    expect(ownsEnvironment(set, 'dev', undefined)).toBe(true);
    expect(ownsEnvironment(set, 'dev', parseSelector('team=a'))).toBe(false);
    expect(ownsEnvironment(set, 'dev', parseSelector('owner=platform'))).toBe(true);
    expect(ownsEnvironment(set, 'nowhere', parseSelector('owner=platform'))).toBe(false);
  });

  it("check --selector reviews only the selector's objects, on both sides", async () => {
    const repo = new GitRepo();
    try {
      const greetings = readFileSync(path.join(ROOT, 'examples/quickstart/greetings.yaml'), 'utf8');
      repo.write({
        'environment.yaml': readFileSync(path.join(ROOT, 'examples/quickstart/environment.yaml'), 'utf8'),
        'a.yaml': greetings.replace('name: greetings', 'name: greetings\n  labels: { team: a }'),
        'b.yaml': greetings
          .replace('name: greetings', 'name: hello\n  labels: { team: b }')
          .replace('basePath: /greetings', 'basePath: /hello'),
      });
      repo.commit('base');
      repo.edit('a.yaml', ['maximumRequests: 5', 'maximumRequests: 50']);
      repo.edit('b.yaml', ['maximumRequests: 5', 'maximumRequests: 50']);
      const all = await checkJson(repo.dir, ['--base', 'main', '--no-tests', '.']);
      expect(
        all.report.findings
          .filter((f) => f.code === 'TG_RATE_LIMIT_LOOSENED')
          .map((f) => f.file)
          .sort(),
      ).toEqual(['a.yaml', 'b.yaml']);
      const onlyB = await checkJson(repo.dir, ['--base', 'main', '--no-tests', '--selector', 'team=b', '.']);
      expect(onlyB.report.findings.map((f) => `${f.code} ${f.file}`)).toEqual(['TG_RATE_LIMIT_LOOSENED b.yaml']);
      expect(onlyB.report.plans[0]?.changes.map((c) => c.api)).toEqual(['hello']);
    } finally {
      repo.cleanup();
    }
  });
});
