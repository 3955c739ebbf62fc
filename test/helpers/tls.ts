import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway CA made with the openssl binary, for tests only. */
export interface TestCa {
  dir: string;
  certFile: string;
  keyFile: string;
  certPem: string;
}

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
  /** Leaf then CA: what a server sends. */
  chainPem: string;
}

export interface IssueOptions {
  /** File name stem. */
  name: string;
  dns?: string[];
  ips?: string[];
  /** Validity in days from now (default 30), or explicit dates as openssl takes them (YYYYMMDDHHMMSSZ). */
  days?: number;
  startDate?: string;
  endDate?: string;
  commonName?: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createCa(name = 'tollgate test CA', dir = mkdtempSync(path.join(tmpdir(), 'tollgate-ca-'))): TestCa {
  mkdirSync(path.join(dir, 'db'), { recursive: true });
  writeFileSync(path.join(dir, 'db/index'), '');
  writeFileSync(path.join(dir, 'db/serial'), '1000\n');
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-subj',
      `/CN=${name}`,
      '-days',
      '3650',
    ],
    dir,
  );
  return {
    dir,
    certFile: path.join(dir, 'ca.crt'),
    keyFile: path.join(dir, 'ca.key'),
    certPem: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
  };
}

/** A leaf certificate (server and client use) signed by `ca`; its key is P-256 unless given. */
export function issue(ca: TestCa, options: IssueOptions): IssuedCertificate {
  const { dir } = ca;
  const stem = options.name;
  const sans = [...(options.dns ?? []).map((d) => `DNS:${d}`), ...(options.ips ?? []).map((ip) => `IP:${ip}`)];
  const config = [
    '[ca]',
    'default_ca = tg',
    '[tg]',
    'database = db/index',
    'new_certs_dir = db',
    'serial = db/serial',
    'default_md = sha256',
    'policy = any',
    'unique_subject = no',
    'copy_extensions = none',
    '[any]',
    'commonName = supplied',
    '[ext]',
    'basicConstraints = CA:FALSE',
    'keyUsage = digitalSignature, keyEncipherment',
    'extendedKeyUsage = serverAuth, clientAuth',
    ...(sans.length ? [`subjectAltName = ${sans.join(',')}`] : []),
  ].join('\n');
  writeFileSync(path.join(dir, `${stem}.cnf`), config + '\n');
  openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      `${stem}.key`,
      '-out',
      `${stem}.csr`,
      '-subj',
      `/CN=${options.commonName ?? options.dns?.[0] ?? stem}`,
    ],
    dir,
  );
  const validity =
    options.startDate || options.endDate
      ? [
          ...(options.startDate ? ['-startdate', options.startDate] : []),
          ...(options.endDate ? ['-enddate', options.endDate] : []),
        ]
      : ['-days', String(options.days ?? 30)];
  openssl(
    [
      'ca',
      '-batch',
      '-config',
      `${stem}.cnf`,
      '-cert',
      'ca.crt',
      '-keyfile',
      'ca.key',
      '-in',
      `${stem}.csr`,
      '-out',
      `${stem}.crt`,
      '-extensions',
      'ext',
      '-notext',
      ...validity,
    ],
    dir,
  );
  const certPem = readFileSync(path.join(dir, `${stem}.crt`), 'utf8');
  const keyPem = readFileSync(path.join(dir, `${stem}.key`), 'utf8');
  const chainPem = certPem + ca.certPem;
  writeFileSync(path.join(dir, `${stem}.chain.pem`), chainPem);
  return {
    certFile: path.join(dir, `${stem}.chain.pem`),
    keyFile: path.join(dir, `${stem}.key`),
    certPem,
    keyPem,
    chainPem,
  };
}

/** An openssl date n days from now (negative: in the past), for -startdate/-enddate. */
export function opensslDate(daysFromNow: number): string {
  return new Date(Date.now() + daysFromNow * 86_400_000).toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
}
