import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';
import { createCa, issue, type IssuedCertificate } from '../helpers/tls.js';

interface Finding {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  path?: string;
}

const environment = (tls: string) => `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: prod }
spec:
  nodes: [{ name: n1, adminUrl: "http://127.0.0.1:1" }]
${tls}`;

const api = (upstreamTls: string, upstream = 'https://orders.internal:8443') => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${upstream}
  environments: [prod]
${upstreamTls}`;

const TLS_13 = '  tls:\n    certificates: [www]\n    minVersion: TLSv1.3\n    redirectHttp: true\n';
const VERIFIED = '  upstreamTls:\n    ca: ${file:ca.pem}\n    verify: true\n';

/** `tollgate check --base main --head <branch>`: findings of the head, as JSON. */
async function check(repo: TestRepo, head: string): Promise<{ code: number | null; findings: Finding[] }> {
  const run = await runCli(['check', '--output', 'json', '--base', 'main', '--head', head, '.'], { cwd: repo.dir });
  return { code: run.code, findings: (JSON.parse(run.stdout) as { findings: Finding[] }).findings };
}

describe('check: TLS downgrades in a pull request', () => {
  let repo: TestRepo;
  let www: IssuedCertificate;

  beforeAll(async () => {
    const ca = createCa();
    www = issue(ca, { name: 'www', dns: ['www.example.test'], days: 365 });
    repo = await createRepo();
    await repo.write('environment.yaml', environment(TLS_13));
    await repo.write('orders.yaml', api(VERIFIED));
    await repo.write('ca.pem', ca.certPem);
    await repo.write('www.pem', www.chainPem);
    await repo.write(
      'certificate.yaml',
      'apiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: www }\nspec:\n  hosts: [www.example.test]\n  certificate: ${file:www.pem}\n  key: ${env:WWW_KEY}\n',
    );
    repo.commit('base');
    const branch = async (name: string, files: Record<string, string>) => {
      repo.git('checkout', '-q', '-b', name, 'main');
      for (const [file, text] of Object.entries(files)) await repo.write(file, text);
      repo.commit(name);
      repo.git('checkout', '-q', 'main');
    };
    await branch('tls-removed', { 'environment.yaml': environment('') });
    await branch('tls-lowered', {
      'environment.yaml': environment(
        TLS_13.replace('TLSv1.3', 'TLSv1.2').replace('redirectHttp: true', 'redirectHttp: false'),
      ),
    });
    await branch('verify-off', { 'orders.yaml': api('  upstreamTls:\n    ca: ${file:ca.pem}\n    verify: false\n') });
    await branch('plain-upstream', { 'orders.yaml': api('', 'http://orders.internal:8080') });
    await branch('harmless', { 'orders.yaml': api(VERIFIED).replace('basePath: /orders', 'basePath: /orders-v1') });
  });

  it('removing every certificate of an environment is an error', async () => {
    const { code, findings } = await check(repo, 'tls-removed');
    expect(code).toBe(1);
    expect(findings).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_REMOVED',
        severity: 'error',
        file: 'environment.yaml',
        message: expect.stringMatching(/no longer serves any certificate/),
      }),
    );
  });

  it('a lower minimum version and an HTTP redirect turned off are warnings at their lines', async () => {
    const { code, findings } = await check(repo, 'tls-lowered');
    expect(code).toBe(0);
    expect(findings).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_WEAKENED',
        severity: 'warning',
        line: 8,
        path: 'spec.tls.minVersion',
        message: expect.stringMatching(/from TLSv1.3 to TLSv1.2/),
      }),
    );
    expect(findings).toContainEqual(
      expect.objectContaining({ code: 'TG_TLS_WEAKENED', path: 'spec.tls.redirectHttp' }),
    );
  });

  it('turning upstream verification off is an error at upstreamTls.verify', async () => {
    const { code, findings } = await check(repo, 'verify-off');
    expect(code).toBe(1);
    expect(findings).toContainEqual(
      expect.objectContaining({
        code: 'TG_UPSTREAM_TLS_UNVERIFIED',
        severity: 'error',
        file: 'orders.yaml',
        line: 11,
        path: 'spec.upstreamTls.verify',
      }),
    );
  });

  it('an upstream moved from https to http is a warning', async () => {
    const { findings } = await check(repo, 'plain-upstream');
    expect(findings).toContainEqual(
      expect.objectContaining({ code: 'TG_UPSTREAM_TLS_REMOVED', path: 'spec.upstream' }),
    );
  });

  it('a change that keeps TLS as it was finds nothing about TLS', async () => {
    const { findings } = await check(repo, 'harmless');
    expect(findings.filter((f) => f.code.includes('TLS'))).toEqual([]);
  });
});
