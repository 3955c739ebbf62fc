import { TollgateError } from '../errors/catalog.js';

const REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** `${env:NAME}`: the only way a secret should appear in git. */
export function isSecretReference(value: string): boolean {
  return REFERENCE.test(value);
}

export function referencedVariable(value: string): string | undefined {
  return REFERENCE.exec(value)?.[1];
}

/** The value behind a reference (plain values pass through); a missing variable is an error that names it, never a value. */
export function resolveSecret(value: string, env: NodeJS.ProcessEnv = process.env): string {
  const name = referencedVariable(value);
  if (name === undefined) return value;
  const resolved = env[name];
  if (resolved === undefined || resolved === '') {
    throw new TollgateError(
      'TG_SECRET_UNRESOLVED',
      `environment variable ${name} is not set (referenced as \${env:${name}})`,
    );
  }
  return resolved;
}
