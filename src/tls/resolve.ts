import { readFileSync } from 'node:fs';
import { tlsReference } from './references.js';

/** How TLS material is read: the gateway's own environment and file system, or a checker's. */
export interface TlsReaders {
  env: NodeJS.ProcessEnv;
  readFile(file: string): string | undefined;
}

export const LOCAL_READERS: TlsReaders = {
  env: process.env,
  readFile: (file) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
  },
};

export type Resolved = { ok: true; text: string } | { ok: false; reason: string };

/** Inline PEM as it is; a reference read from the environment or a file. Reasons name the reference, never a value. */
export function resolveTlsValue(value: string, readers: TlsReaders = LOCAL_READERS): Resolved {
  const ref = tlsReference(value);
  if (!ref) return { ok: true, text: value };
  if (ref.kind === 'env') {
    const text = readers.env[ref.name];
    return text === undefined || text === ''
      ? { ok: false, reason: `environment variable ${ref.name} is not set` }
      : { ok: true, text };
  }
  const text = readers.readFile(ref.path);
  return text === undefined ? { ok: false, reason: `file ${ref.path} cannot be read` } : { ok: true, text };
}
