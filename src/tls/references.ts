import path from 'node:path';

/** `${env:NAME}` or `${file:PATH}`: how TLS material is written in manifests (a key never any other way). */
export type TlsReference = { kind: 'env'; name: string } | { kind: 'file'; path: string };

const ENV = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
const FILE = /^\$\{file:([^}]+)\}$/;

export function tlsReference(value: string): TlsReference | undefined {
  const env = ENV.exec(value);
  if (env) return { kind: 'env', name: env[1]! };
  const file = FILE.exec(value);
  if (file) return { kind: 'file', path: file[1]! };
  return undefined;
}

/** A relative `${file:...}` made absolute against the folder of the manifest that wrote it (like custom policy modules). */
export function absoluteFileReference(value: string, manifestFile: string): string {
  const ref = tlsReference(value);
  if (ref?.kind !== 'file' || path.isAbsolute(ref.path)) return value;
  return `\${file:${path.resolve(path.dirname(path.resolve(manifestFile)), ref.path)}}`;
}

/** What a reference or value is, for messages: never the value of a key. */
export function describeSource(value: string): string {
  const ref = tlsReference(value);
  if (!ref) return 'inline PEM';
  return ref.kind === 'env' ? `\${env:${ref.name}}` : `\${file:${ref.path}}`;
}
