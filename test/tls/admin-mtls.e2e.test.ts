import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { ADMIN_TOKEN, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { curl } from '../helpers/https-client.js';
import { createCa, issue, type IssuedCertificate, type TestCa } from '../helpers/tls.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/** A manifest repository whose Environment reaches its node over https://, as the reconciler side configures it. */
function writeRepository(
  dir: string,
  adminUrl: string,
  upstream: string,
  node: Record<string, string>,
  served?: IssuedCertificate,
): void {
  const nodeLines = Object.entries(node)
    .map(([k, v]) => `      ${k}: "${v}"`)
    .join('\n');
  const tls = served ? '  tls: { certificates: [www], minVersion: TLSv1.3 }\n' : '';
  writeFileSync(
    path.join(dir, 'environment.yaml'),
    `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n${tls}  nodes:\n    - name: node-1\n      adminUrl: ${adminUrl}\n      token: \${env:NODE_TOKEN}\n${nodeLines}\n`,
  );
  if (served)
    writeFileSync(
      path.join(dir, 'www.yaml'),
      `apiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: www }\nspec:\n  hosts: [localhost]\n  certificate: \${file:${served.certFile}}\n  key: \${file:${served.keyFile}}\n`,
    );
  writeFileSync(
    path.join(dir, 'api.yaml'),
    `apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: items }\nspec:\n  version: v1\n  basePath: /items\n  upstream: ${upstream}\n  environments: [prod]\n`,
  );
}

describe('reconciler → node over mTLS', () => {
  let ca: TestCa;
  let rogueCa: TestCa;
  let node: IssuedCertificate;
  let reconciler: IssuedCertificate;
  let rogue: IssuedCertificate;
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  const repo = mkdtempSync(path.join(tmpdir(), 'tollgate-mtls-repo-'));
  const env = () => ({ NODE_TOKEN: ADMIN_TOKEN, RECONCILER_KEY: reconciler.keyPem });

  beforeAll(async () => {
    ca = createCa('admin CA');
    rogueCa = createCa('rogue CA');
    node = issue(ca, { name: 'node', dns: ['localhost'], ips: ['127.0.0.1'] });
    reconciler = issue(ca, { name: 'reconciler', dns: ['reconciler.internal'] });
    rogue = issue(rogueCa, { name: 'rogue', dns: ['reconciler.internal'] });
    upstream = await startUpstream();
    gw = await startGatewayProcess({
      args: [
        '--admin-tls-cert',
        node.certFile,
        '--admin-tls-key',
        node.keyFile,
        '--admin-client-ca',
        ca.certFile,
        '--gatekeeper',
        'disabled',
      ],
    });
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('the admin API listens on https:// and refuses a client without a certificate before any token is read', async () => {
    expect(gw.adminUrl).toMatch(/^https:\/\//);
    const withoutCert = await curl([
      '--cacert',
      ca.certFile,
      '-H',
      `Authorization: Bearer ${ADMIN_TOKEN}`,
      `${gw.adminUrl}/state`,
    ]);
    expect(withoutCert.status).toBe(0);
    expect(withoutCert.exitCode).not.toBe(0);
    const withCert = await curl([
      '--cacert',
      ca.certFile,
      '--cert',
      reconciler.certFile,
      '--key',
      reconciler.keyFile,
      '-H',
      `Authorization: Bearer ${ADMIN_TOKEN}`,
      `${gw.adminUrl}/state`,
    ]);
    expect(withCert.status).toBe(200);
    // The bearer token stays: a certificate alone is not enough.
    expect(
      (
        await curl([
          '--cacert',
          ca.certFile,
          '--cert',
          reconciler.certFile,
          '--key',
          reconciler.keyFile,
          `${gw.adminUrl}/state`,
        ])
      ).status,
    ).toBe(401);
  });

  it('apply reaches the node with the CA and client certificate of the node entry (key from the environment); with a certificate, plan then shows no change', async () => {
    writeRepository(
      repo,
      gw.adminUrl,
      upstream.url,
      {
        ca: `\${file:${ca.certFile}}`,
        clientCertificate: `\${file:${reconciler.certFile}}`,
        clientKey: '${env:RECONCILER_KEY}',
      },
      node,
    );
    const planned = await runCli(['plan', '--env', 'prod', repo], { env: env() });
    expect(planned.code).toBe(2);
    expect(planned.stdout).toMatch(/\+ create certificate www \(localhost; \$\{file:/);
    const applied = await runCli(['apply', '--env', 'prod', '--yes', repo], { env: env() });
    expect(applied.stderr + applied.stdout).toMatch(/applied/);
    expect(applied.code).toBe(0);
    expect((await fetch(`${gw.url}/items/x`)).status).toBe(200);
    const again = await runCli(['plan', '--env', 'prod', repo], { env: env() });
    expect(again.stdout).toMatch(/no changes/);
    expect(again.code).toBe(0);
  });

  it('is refused without the client certificate, or with one of another CA, or without trusting the node', async () => {
    writeRepository(repo, gw.adminUrl, upstream.url, { ca: `\${file:${ca.certFile}}` });
    const noCert = await runCli(['plan', '--env', 'prod', repo], { env: env() });
    expect(noCert.code).toBe(1);
    expect(noCert.stdout + noCert.stderr).toMatch(/unreachable/);
    writeRepository(repo, gw.adminUrl, upstream.url, {
      ca: `\${file:${ca.certFile}}`,
      clientCertificate: `\${file:${rogue.certFile}}`,
      clientKey: `\${file:${rogue.keyFile}}`,
    });
    expect((await runCli(['plan', '--env', 'prod', repo], { env: env() })).code).toBe(1);
    writeRepository(repo, gw.adminUrl, upstream.url, {
      clientCertificate: `\${file:${reconciler.certFile}}`,
      clientKey: '${env:RECONCILER_KEY}',
    });
    const untrusted = await runCli(['plan', '--env', 'prod', repo], { env: env() });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stdout + untrusted.stderr).not.toContain(reconciler.keyPem.split('\n')[1]);
  });
});
