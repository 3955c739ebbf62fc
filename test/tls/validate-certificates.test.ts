import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createCa, issue, opensslDate, type IssuedCertificate, type TestCa } from '../helpers/tls.js';

interface Diag {
  code: string;
  severity: string;
  message: string;
  file?: string;
  line?: number;
  col?: number;
  path?: string;
}

const ENVIRONMENT =
  'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: prod }\nspec:\n  nodes: [{ name: n1, adminUrl: "http://127.0.0.1:1" }]\n  tls:\n    certificates: [www]\n';
const API =
  'apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: items }\nspec:\n  version: v1\n  basePath: /items\n  upstream: http://127.0.0.1:1\n  environments: [prod]\n';

function repository(certificateYaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-validate-tls-'));
  writeFileSync(path.join(dir, 'environment.yaml'), ENVIRONMENT);
  writeFileSync(path.join(dir, 'api.yaml'), API);
  writeFileSync(path.join(dir, 'certificate.yaml'), certificateYaml);
  return dir;
}

const certificate = (hosts: string, cert: string, key: string) =>
  `apiVersion: tollgate.dev/v1\nkind: Certificate\nmetadata: { name: www }\nspec:\n  hosts: [${hosts}]\n  certificate: ${cert}\n  key: ${key}\n`;

async function validate(dir: string, ...args: string[]): Promise<{ code: number | null; diagnostics: Diag[] }> {
  const run = await runCli(['validate', '--output', 'json', ...args, dir]);
  return { code: run.code, diagnostics: (JSON.parse(run.stdout) as { diagnostics: Diag[] }).diagnostics };
}

describe('validate: certificates', () => {
  let ca: TestCa;
  let www: IssuedCertificate;
  let other: IssuedCertificate;
  let expired: IssuedCertificate;
  let soon: IssuedCertificate;

  beforeAll(() => {
    ca = createCa();
    www = issue(ca, { name: 'www', dns: ['www.example.test', '*.api.example.test'], days: 90 });
    other = issue(ca, { name: 'other', dns: ['other.test'] });
    expired = issue(ca, {
      name: 'expired',
      dns: ['www.example.test'],
      startDate: opensslDate(-60),
      endDate: opensslDate(-1),
    });
    soon = issue(ca, { name: 'soon', dns: ['www.example.test'], days: 10 });
  });

  it('a good certificate with an inline PEM and a file key is valid', async () => {
    const inline =
      '|\n' +
      www.certPem
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    const dir = repository(certificate('www.example.test, a.api.example.test', inline, `\${file:${www.keyFile}}`));
    const { code, diagnostics } = await validate(dir);
    expect(diagnostics.filter((d) => d.severity !== 'warning' || d.code.startsWith('TG_TLS'))).toEqual([]);
    expect(code).toBe(0);
  });

  it('an expired certificate is an error at its position', async () => {
    const dir = repository(
      certificate('www.example.test', '${file:' + expired.certFile + '}', '${file:' + expired.keyFile + '}'),
    );
    const { code, diagnostics } = await validate(dir);
    expect(code).toBe(1);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_EXPIRED',
        severity: 'error',
        file: path.join(dir, 'certificate.yaml'),
        line: 6,
        col: 16,
        path: 'spec.certificate',
      }),
    );
  });

  it('a key that does not match, and a host the certificate does not cover, are errors at their positions', async () => {
    const dir = repository(
      certificate('www.example.test, shop.test', '${file:' + www.certFile + '}', '${file:' + other.keyFile + '}'),
    );
    const { code, diagnostics } = await validate(dir);
    expect(code).toBe(1);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_KEY',
        line: 7,
        col: 8,
        path: 'spec.key',
        message: expect.stringMatching(/does not match the certificate/),
      }),
    );
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_HOSTS',
        line: 5,
        col: 29,
        path: 'spec.hosts[1]',
        message: expect.stringMatching(/"shop.test" is not covered/),
      }),
    );
  });

  it('an inline key is an error whose message never shows the key', async () => {
    const inlineKey =
      '|\n' +
      other.keyPem
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    const dir = repository(certificate('www.example.test', '${file:' + www.certFile + '}', inlineKey));
    const run = await runCli(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/certificate\.yaml:7:8: error TG_TLS_KEY .*written inline/);
    expect(run.stdout + run.stderr).not.toContain(other.keyPem.split('\n')[1]);
  });

  it('warns before expiry, within --cert-expiry-warning days', async () => {
    const dir = repository(
      certificate('www.example.test', '${file:' + soon.certFile + '}', '${file:' + soon.keyFile + '}'),
    );
    const warned = await validate(dir);
    expect(warned.code).toBe(0);
    expect(warned.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_EXPIRING',
        severity: 'warning',
        message: expect.stringMatching(/expires in 10 day/),
      }),
    );
    expect(
      (await validate(dir, '--cert-expiry-warning', '7')).diagnostics.some((d) => d.code === 'TG_TLS_EXPIRING'),
    ).toBe(false);
  });

  it('a key only the gateway has is a notice, not a failure; relative file references resolve against the manifest', async () => {
    const dir = repository(certificate('www.example.test', '${file:www.pem}', '${env:WWW_TLS_KEY_NOT_SET}'));
    writeFileSync(path.join(dir, 'www.pem'), www.chainPem);
    const { code, diagnostics } = await validate(dir);
    expect(code).toBe(0);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_UNCHECKED',
        severity: 'notice',
        path: 'spec.key',
        message: expect.stringMatching(/WWW_TLS_KEY_NOT_SET is not set.*the gateway checks it/),
      }),
    );
  });

  it('a reference to a Certificate nobody defines is an error', async () => {
    const dir = repository(
      certificate('www.example.test', '${file:' + www.certFile + '}', '${file:' + www.keyFile + '}').replace(
        'name: www',
        'name: web',
      ),
    );
    const { diagnostics } = await validate(dir);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code: 'TG_UNKNOWN_REFERENCE', line: 7, path: 'spec.tls.certificates[0]' }),
    );
  });
});
