import type { KeyObject, X509Certificate } from 'node:crypto';
import type { ErrorCode } from '../errors/catalog.js';
import {
  coversHost,
  daysLeft,
  keyMatches,
  parseCertificateChain,
  parsePrivateKey,
  type CertificateSummary,
} from './pem.js';
import { describeSource, tlsReference } from './references.js';
import { resolveTlsValue, type TlsReaders } from './resolve.js';

export const DEFAULT_EXPIRY_WARNING_DAYS = 30;

/** One problem with TLS material; `at` is the field it is about, relative to what was checked. */
export interface MaterialProblem {
  code: ErrorCode;
  message: string;
  at: (string | number)[];
}

export interface CheckedMaterial {
  problems: MaterialProblem[];
  summary?: CertificateSummary;
  /** Resolved PEM texts, only when everything resolved and passed (what the gateway serves). */
  resolved?: { certificate: string; key: string };
}

export interface MaterialCheckOptions {
  readers: TlsReaders;
  now?: number;
  /** A certificate that expires within this many days gets a warning. */
  expiryWarningDays?: number;
  /** Where material is resolved: the gateway refuses what it cannot resolve; a checker only notes it. */
  mode: 'gateway' | 'offline';
}

/**
 * Checks a certificate, its key and its host names as far as they can be
 * resolved here: the PEM parses, the key is a reference and matches, every
 * host is covered by the SANs, it is valid now and not about to expire.
 * Messages name references, never a value.
 */
export function checkCertificateMaterial(
  what: string,
  spec: { hosts: readonly string[]; certificate: string; key: string },
  options: MaterialCheckOptions,
): CheckedMaterial {
  const problems: MaterialProblem[] = [];
  const keyIsReference = tlsReference(spec.key) !== undefined;
  if (!keyIsReference) {
    problems.push({
      code: 'TG_TLS_KEY',
      message: `${what}: the key is written inline; only a reference is accepted (\${env:NAME} or \${file:PATH}). Key material committed to git must be considered exposed: rotate it`,
      at: ['key'],
    });
  }
  const cert = resolveCertificate(what, spec.certificate, ['certificate'], options, problems);
  if (cert) {
    spec.hosts.forEach((host, i) => {
      if (!coversHost(cert.summary.names, host))
        problems.push({
          code: 'TG_TLS_HOSTS',
          message: `${what}: host "${host}" is not covered by the certificate (it is valid for ${cert.summary.names.join(', ') || 'no name'})`,
          at: ['hosts', i],
        });
    });
  }
  const key = keyIsReference ? resolveKey(what, spec.key, ['key'], options, problems) : undefined;
  if (cert && key && !keyMatches(cert.leaf, key.key)) {
    problems.push({
      code: 'TG_TLS_KEY',
      message: `${what}: the key (${describeSource(spec.key)}) does not match the certificate (sha256 ${cert.summary.fingerprint.slice(0, 23)}…)`,
      at: ['key'],
    });
  }
  const out: CheckedMaterial = { problems };
  if (cert) out.summary = cert.summary;
  if (cert && key && !problems.some(isError)) out.resolved = { certificate: cert.text, key: key.text };
  return out;
}

export interface ResolvedCertificate {
  text: string;
  leaf: X509Certificate;
  summary: CertificateSummary;
}

/** Resolves and parses a PEM chain, with its validity dates checked; problems go into `problems`. */
export function resolveCertificate(
  what: string,
  value: string,
  at: (string | number)[],
  options: MaterialCheckOptions,
  problems: MaterialProblem[],
): ResolvedCertificate | undefined {
  const resolved = resolveTlsValue(value, options.readers);
  if (!resolved.ok) {
    problems.push(unresolved(what, `the certificate (${describeSource(value)})`, resolved.reason, at, options));
    return undefined;
  }
  const parsed = parseCertificateChain(resolved.text);
  if (!parsed.ok) {
    problems.push({
      code: 'TG_TLS_CERTIFICATE',
      message: `${what}: the certificate (${describeSource(value)}) is not a PEM certificate chain: ${parsed.reason}`,
      at,
    });
    return undefined;
  }
  const now = options.now ?? Date.now();
  const left = daysLeft(parsed.summary, now);
  if (left <= 0)
    problems.push({
      code: 'TG_TLS_EXPIRED',
      message: `${what}: the certificate expired on ${parsed.summary.notAfter} (sha256 ${parsed.summary.fingerprint.slice(0, 23)}…)`,
      at,
    });
  else if (Date.parse(parsed.summary.notBefore) > now)
    problems.push({
      code: 'TG_TLS_EXPIRED',
      message: `${what}: the certificate is not valid before ${parsed.summary.notBefore}`,
      at,
    });
  else if (left <= (options.expiryWarningDays ?? DEFAULT_EXPIRY_WARNING_DAYS)) {
    problems.push({
      code: 'TG_TLS_EXPIRING',
      message: `${what}: the certificate expires in ${Math.ceil(left)} day(s), on ${parsed.summary.notAfter}: renew it`,
      at,
    });
  }
  return { text: resolved.text, leaf: parsed.leaf, summary: parsed.summary };
}

export function resolveKey(
  what: string,
  value: string,
  at: (string | number)[],
  options: MaterialCheckOptions,
  problems: MaterialProblem[],
): { text: string; key: KeyObject } | undefined {
  const resolved = resolveTlsValue(value, options.readers);
  if (!resolved.ok) {
    problems.push(unresolved(what, `the key (${describeSource(value)})`, resolved.reason, at, options));
    return undefined;
  }
  const parsed = parsePrivateKey(resolved.text);
  if (!parsed.ok) {
    problems.push({
      code: 'TG_TLS_KEY',
      message: `${what}: the key (${describeSource(value)}) cannot be used: ${parsed.reason}`,
      at,
    });
    return undefined;
  }
  return { text: resolved.text, key: parsed.key };
}

function unresolved(
  what: string,
  subject: string,
  reason: string,
  at: (string | number)[],
  options: MaterialCheckOptions,
): MaterialProblem {
  if (options.mode === 'gateway')
    return {
      code: subject.startsWith('the key') ? 'TG_TLS_KEY' : 'TG_TLS_CERTIFICATE',
      message: `${what}: ${subject} cannot be resolved on the gateway: ${reason}`,
      at,
    };
  return {
    code: 'TG_TLS_UNCHECKED',
    message: `${what}: ${subject} was not checked here (${reason}); the gateway checks it when it is applied`,
    at,
  };
}

export function isError(problem: MaterialProblem): boolean {
  return problem.code !== 'TG_TLS_EXPIRING' && problem.code !== 'TG_TLS_UNCHECKED';
}
