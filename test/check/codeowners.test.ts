import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ownersOf, parseCodeowners } from '../../src/codeowners/codeowners.js';
import { ROOT } from '../helpers/gateway-process.js';
import { BASE_FILES } from './fixture.js';
import { GitRepo } from './git-repo.js';
import { checkJson } from './run.js';

/** GitHub's documented CODEOWNERS examples: the last matching pattern wins. */
const GITHUB_EXAMPLE = `# This is a comment.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
/apps/octo/ @octocat
/apps/octo/docs @doctocat
`;

describe('CODEOWNERS patterns', () => {
  const owners = (file: string) => ownersOf(parseCodeowners('CODEOWNERS', GITHUB_EXAMPLE), file);

  it('the last matching rule wins; * matches everything', () => {
    expect(owners('README.md')).toEqual(['@global-owner1', '@global-owner2']);
    expect(owners('src/app.js')).toEqual(['@js-owner']);
    // /build/logs/ matches, and so does the later **/logs.
    expect(owners('build/logs/x.go')).toEqual(['@octocat']);
    expect(owners('tools/deploy.go')).toEqual(['docs@example.com']);
  });

  it('patterns without a slash match at any depth; with one, from the root', () => {
    expect(owners('deep/down/notes.txt')).toEqual(['@octo-org/octocats']);
    const anchored = parseCodeowners('c', 'manifests/apis @api-team\n');
    expect(ownersOf(anchored, 'manifests/apis/orders.yaml')).toEqual(['@api-team']);
    expect(ownersOf(anchored, 'old/manifests/apis/orders.yaml')).toEqual([]);
  });

  it('dir/* matches files directly in dir only; a folder pattern matches everything below it', () => {
    expect(parseCodeowners('c', 'docs/*  @docs\n').rules[0]?.matches.test('docs/getting-started.md')).toBe(true);
    expect(parseCodeowners('c', 'docs/*  @docs\n').rules[0]?.matches.test('docs/build-app/troubleshooting.md')).toBe(
      false,
    );
    expect(owners('scripts/ci/run.sh')).toEqual(['@doctocat', '@octocat']);
    expect(owners('services/apps/a.yaml')).toEqual(['@octocat']);
  });

  it('a rule without owners leaves files unowned; a later rule carves back in', () => {
    expect(owners('apps/github/a.yaml')).toEqual([]);
    expect(owners('apps/octo/x.yaml')).toEqual(['@octocat']);
    expect(owners('apps/octo/docs/guide.md')).toEqual(['@doctocat']);
  });

  it('** spans folders; ? is one character', () => {
    const rules = parseCodeowners('c', 'apis/**/payments*.yaml @payments\nv?.yaml @versions\n');
    expect(ownersOf(rules, 'apis/payments.yaml')).toEqual(['@payments']);
    expect(ownersOf(rules, 'apis/eu/prod/payments-v2.yaml')).toEqual(['@payments']);
    expect(ownersOf(rules, 'x/v1.yaml')).toEqual(['@versions']);
    expect(ownersOf(rules, 'x/v10.yaml')).toEqual([]);
  });
});

describe('CODEOWNERS locations', () => {
  const repos: GitRepo[] = [];
  afterAll(() => repos.forEach((r) => r.cleanup()));

  it('.github/CODEOWNERS comes before CODEOWNERS and docs/CODEOWNERS; without one, the message says so', async () => {
    if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) throw new Error('run `npm run build` first');
    const { '.github/CODEOWNERS': _owners, ...files } = BASE_FILES;
    const relax = (r: GitRepo) =>
      r.edit('environments/environments.yaml', ['precedence: strict', 'precedence: cors-first']);
    const conflictOwners = async (repo: GitRepo) => {
      const { report } = await checkJson(repo.dir, ['--base', 'main', '--head', 'relax', '--no-tests']);
      return report.findings.find((f) => f.code === 'TG_ENV_POLICY_CONFLICT');
    };

    const docsOnly = new GitRepo();
    repos.push(docsOnly);
    docsOnly.write({ ...files, 'docs/CODEOWNERS': '* @docs-team\n', CODEOWNERS: '* @root-team\n' }).commit('base');
    docsOnly.branch('relax', relax);
    expect((await conflictOwners(docsOnly))?.owners?.[0]).toEqual({
      file: 'environments/environments.yaml',
      owners: ['@root-team'],
    });

    const none = new GitRepo();
    repos.push(none);
    none.write(files).commit('base');
    none.branch('relax', relax);
    const finding = await conflictOwners(none);
    expect(finding?.message).toMatch(
      /Both sides have to agree: the owners of environments\/environments\.yaml, apis\/catalog\.yaml, apis\/orders\.yaml \(the repository has no CODEOWNERS\)\.$/,
    );
    expect(finding?.owners).toEqual([
      { file: 'environments/environments.yaml', owners: [] },
      { file: 'apis/catalog.yaml', owners: [] },
      { file: 'apis/orders.yaml', owners: [] },
    ]);
  });
});
