import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkCertificateMaterial } from '../../src/tls/check-material.js';
import { coversHost } from '../../src/tls/pem.js';
import { LOCAL_READERS, type TlsReaders } from '../../src/tls/resolve.js';
import { checkUpstreamTls } from '../../src/tls/upstream-material.js';
import { createCa, issue, type IssuedCertificate, type TestCa } from '../helpers/tls.js';

const readers = (env: Record<string, string> = {}): TlsReaders => ({ env, readFile: LOCAL_READERS.readFile });
const file = (p: string) => `\${file:${p}}`;

describe('TLS material checks', () => {
  let ca: TestCa;
  let leaf: IssuedCertificate;
  let encryptedKey: string;

  beforeAll(() => {
    ca = createCa();
    leaf = issue(ca, { name: 'leaf', dns: ['a.test'], days: 365 });
    encryptedKey = execFileSync('openssl', ['pkey', '-in', leaf.keyFile, '-aes256', '-passout', 'pass:secret'], {
      encoding: 'utf8',
    });
  });

  it('host coverage: exact names, one label under a wildcard, a wildcard host only by the same wildcard', () => {
    expect(coversHost(['a.test', '*.b.test'], 'A.TEST')).toBe(true);
    expect(coversHost(['*.b.test'], 'x.b.test')).toBe(true);
    expect(coversHost(['*.b.test'], 'y.x.b.test')).toBe(false);
    expect(coversHost(['*.b.test'], 'b.test')).toBe(false);
    expect(coversHost(['*.b.test'], '*.b.test')).toBe(true);
    expect(coversHost(['x.b.test'], '*.b.test')).toBe(false);
    expect(coversHost(['127.0.0.1'], '127.0.0.1')).toBe(true);
  });

  it('a private key where the certificate goes, and an encrypted key, are refused without quoting them', () => {
    const keyAsCert = checkCertificateMaterial(
      'c',
      { hosts: ['a.test'], certificate: leaf.keyPem, key: file(leaf.keyFile) },
      { readers: readers(), mode: 'offline' },
    );
    expect(keyAsCert.problems).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_CERTIFICATE',
        at: ['certificate'],
        message: expect.stringMatching(/holds a private key/),
      }),
    );
    const encrypted = checkCertificateMaterial(
      'c',
      { hosts: ['a.test'], certificate: leaf.chainPem, key: '${env:K}' },
      { readers: readers({ K: encryptedKey }), mode: 'gateway' },
    );
    expect(encrypted.problems).toEqual([
      expect.objectContaining({ code: 'TG_TLS_KEY', message: expect.stringMatching(/encrypted/) }),
    ]);
    for (const r of [keyAsCert, encrypted]) expect(JSON.stringify(r.problems)).not.toContain('BEGIN');
  });

  it('not a PEM at all, and a file that does not exist on the gateway, are errors there and notices offline', () => {
    expect(
      checkCertificateMaterial(
        'c',
        { hosts: ['a.test'], certificate: 'hello', key: '${env:K}' },
        { readers: readers(), mode: 'offline' },
      ).problems,
    ).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_CERTIFICATE',
        message: expect.stringMatching(/no "-----BEGIN CERTIFICATE-----" block/),
      }),
    );
    const missing = { hosts: ['a.test'], certificate: file('/nonexistent/tls.crt'), key: file('/nonexistent/tls.key') };
    expect(
      checkCertificateMaterial('c', missing, { readers: readers(), mode: 'gateway' }).problems.map((p) => p.code),
    ).toEqual(['TG_TLS_CERTIFICATE', 'TG_TLS_KEY']);
    expect(
      checkCertificateMaterial('c', missing, { readers: readers(), mode: 'offline' }).problems.map((p) => p.code),
    ).toEqual(['TG_TLS_UNCHECKED', 'TG_TLS_UNCHECKED']);
  });

  it('upstream TLS: an http:// upstream, a CA that is not a PEM, an inline client key, a client key that does not match', () => {
    const other = issue(ca, { name: 'other', dns: ['b.test'] });
    const base = { verify: true, minVersion: 'TLSv1.2' as const };
    expect(checkUpstreamTls('u', 'http://x', base, { readers: readers(), mode: 'gateway' }).problems).toContainEqual(
      expect.objectContaining({ code: 'TG_UPSTREAM_TLS', at: [] }),
    );
    expect(
      checkUpstreamTls('u', 'https://x', { ...base, ca: 'not a pem' }, { readers: readers(), mode: 'gateway' })
        .problems,
    ).toContainEqual(expect.objectContaining({ code: 'TG_UPSTREAM_TLS', at: ['ca'] }));
    expect(
      checkUpstreamTls(
        'u',
        'https://x',
        { ...base, ca: file('/nonexistent/ca.pem') },
        { readers: readers(), mode: 'offline' },
      ).problems,
    ).toContainEqual(expect.objectContaining({ code: 'TG_TLS_UNCHECKED', at: ['ca'] }));
    const inline = checkUpstreamTls(
      'u',
      'https://x',
      { ...base, clientCertificate: leaf.chainPem, clientKey: leaf.keyPem },
      { readers: readers(), mode: 'gateway' },
    );
    expect(inline.problems).toContainEqual(expect.objectContaining({ code: 'TG_TLS_KEY', at: ['clientKey'] }));
    expect(inline.material).toBeUndefined();
    const mismatch = checkUpstreamTls(
      'u',
      'https://x',
      { ...base, clientCertificate: file(leaf.certFile), clientKey: file(other.keyFile) },
      { readers: readers(), mode: 'gateway' },
    );
    expect(mismatch.problems).toContainEqual(
      expect.objectContaining({
        code: 'TG_TLS_KEY',
        message: expect.stringMatching(/does not match the client certificate/),
      }),
    );
    const good = checkUpstreamTls(
      'u',
      'https://x',
      {
        ...base,
        ca: file(ca.certFile),
        serverName: 'a.test',
        clientCertificate: file(leaf.certFile),
        clientKey: file(leaf.keyFile),
        verify: false,
      },
      { readers: readers(), mode: 'gateway' },
    );
    expect(good.problems).toEqual([]);
    expect(good.material).toMatchObject({
      rejectUnauthorized: false,
      servername: 'a.test',
      ca: ca.certPem,
      key: leaf.keyPem,
    });
    expect(path.isAbsolute(leaf.certFile)).toBe(true);
  });
});
