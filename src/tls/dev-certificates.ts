import { execFile } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { daysLeft, parseCertificateChain } from './pem.js';

const run = promisify(execFile);

/** `openssl req` makes a new P-256 key, unencrypted. */
const NEW_P256_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
export interface DevCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Made now (false: the ones in `dir` were still good). */
  created: boolean;
}

/** A development CA and a certificate for localhost, 127.0.0.1 and ::1, made with the openssl binary; reused while valid for a week more. */
export async function ensureDevCertificates(dir: string): Promise<DevCertificates> {
  const files = {
    caFile: path.join(dir, 'dev-ca.crt'),
    certFile: path.join(dir, 'localhost.crt'),
    keyFile: path.join(dir, 'localhost.key'),
  };
  try {
    const parsed = parseCertificateChain(await readFile(files.certFile, 'utf8'));
    await readFile(files.keyFile);
    if (parsed.ok && daysLeft(parsed.summary) > 7) return { ...files, created: false };
  } catch {
    // Not there yet: make them.
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const openssl = async (args: string[]) => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      throw new Error(
        e.code === 'ENOENT'
          ? 'the openssl binary is needed to make a development certificate (bash scripts/install-system-deps.sh installs it)'
          : `openssl ${args[0]} failed: ${e.stderr ?? e.message}`,
      );
    }
  };
  const ext = path.join(dir, 'localhost.ext');
  await writeFile(
    ext,
    'basicConstraints = CA:FALSE\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth\nsubjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1\n',
  );
  await openssl([
    'req',
    '-x509',
    ...NEW_P256_KEY,
    '-keyout',
    'dev-ca.key',
    '-out',
    'dev-ca.crt',
    '-subj',
    '/CN=tollgate development CA',
    '-days',
    '365',
  ]);
  await openssl([
    'req',
    ...NEW_P256_KEY,
    '-keyout',
    'localhost.key',
    '-out',
    'localhost.csr',
    '-subj',
    '/CN=localhost',
  ]);
  await openssl([
    'x509',
    '-req',
    '-in',
    'localhost.csr',
    '-CA',
    'dev-ca.crt',
    '-CAkey',
    'dev-ca.key',
    '-CAcreateserial',
    '-out',
    'localhost.leaf.crt',
    '-days',
    '90',
    '-extfile',
    'localhost.ext',
  ]);
  const leaf = await readFile(path.join(dir, 'localhost.leaf.crt'), 'utf8');
  await writeFile(files.certFile, leaf + (await readFile(files.caFile, 'utf8')));
  await chmod(files.keyFile, 0o600);
  await chmod(path.join(dir, 'dev-ca.key'), 0o600);
  return { ...files, created: true };
}
