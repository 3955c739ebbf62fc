import { X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDevCertificates } from '../../src/tls/dev-certificates.js';
import { runCli } from '../helpers/cli.js';
import { ROOT } from '../helpers/gateway-process.js';

describe('npm start -- --tls: the development certificate and the TLS variant of the quickstart', () => {
  it('makes a CA and a localhost certificate it signed, and reuses them while they are good', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-dev-certs-'));
    const made = await ensureDevCertificates(dir);
    expect(made.created).toBe(true);
    const ca = new X509Certificate(readFileSync(made.caFile));
    const leaf = new X509Certificate(readFileSync(made.certFile));
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(leaf.checkPrivateKey((await import('node:crypto')).createPrivateKey(readFileSync(made.keyFile)))).toBe(true);
    expect((await ensureDevCertificates(dir)).created).toBe(false);
  });

  it('examples/quickstart-tls with the quickstart APIs validates once its certificate is made', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tollgate-quickstart-tls-'));
    cpSync(path.join(ROOT, 'examples/quickstart-tls'), path.join(dir, 'quickstart-tls'), {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}certs`),
    });
    for (const f of ['greetings.yaml', 'orders.yaml'])
      cpSync(path.join(ROOT, 'examples/quickstart', f), path.join(dir, f));
    const before = await runCli(['validate', dir]);
    expect(before.stdout).toMatch(/notice TG_TLS_UNCHECKED/);
    await ensureDevCertificates(path.join(dir, 'quickstart-tls/certs'));
    const after = await runCli(['validate', dir]);
    expect(after.code).toBe(0);
    expect(after.stdout).not.toMatch(/TG_TLS/);
  });
});
