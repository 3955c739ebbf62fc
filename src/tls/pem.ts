import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';

/** What plans, status and messages show of a certificate: never anything of its key. */
export interface CertificateSummary {
  /** SHA-256 of the leaf's DER, upper-case hex pairs joined by ':' (as openssl and browsers show it). */
  fingerprint: string;
  subject: string;
  /** DNS names and IP addresses the leaf is valid for. */
  names: string[];
  notBefore: string;
  notAfter: string;
  /** Certificates in the PEM, leaf first. */
  chainLength: number;
}

const BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export type ParsedChain =
  | { ok: true; leaf: X509Certificate; chain: X509Certificate[]; summary: CertificateSummary }
  | { ok: false; reason: string };

/** Parses a PEM chain (leaf first). A PEM holding a private key is refused: keys are never written where certificates go. */
export function parseCertificateChain(pem: string): ParsedChain {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem))
    return { ok: false, reason: 'it holds a private key: keys go in `key`, as a reference' };
  const blocks = pem.match(BLOCK) ?? [];
  if (blocks.length === 0) return { ok: false, reason: 'no "-----BEGIN CERTIFICATE-----" block found' };
  const chain: X509Certificate[] = [];
  for (const [i, block] of blocks.entries()) {
    try {
      chain.push(new X509Certificate(block));
    } catch (err) {
      return { ok: false, reason: `certificate ${i + 1} of the PEM does not parse: ${(err as Error).message}` };
    }
  }
  const leaf = chain[0]!;
  return { ok: true, leaf, chain, summary: summarize(leaf, chain.length) };
}

export function summarize(leaf: X509Certificate, chainLength = 1): CertificateSummary {
  return {
    fingerprint: leaf.fingerprint256,
    subject: leaf.subject.replace(/\n/g, ', '),
    names: subjectNames(leaf),
    notBefore: new Date(leaf.validFrom).toISOString(),
    notAfter: new Date(leaf.validTo).toISOString(),
    chainLength,
  };
}

/** SANs (DNS and IP); the subject's CN only when there are none (as old certificates have it). */
export function subjectNames(cert: X509Certificate): string[] {
  const names: string[] = [];
  for (const part of (cert.subjectAltName ?? '').split(/,\s*/)) {
    const m = /^(DNS|IP Address):(.+)$/.exec(part.trim());
    if (m) names.push(m[1] === 'DNS' ? m[2]!.toLowerCase() : m[2]!);
  }
  if (names.length === 0) {
    const cn = /(?:^|\n)CN=([^\n]+)/.exec(cert.subject)?.[1];
    if (cn) names.push(cn.toLowerCase());
  }
  return names;
}

export type ParsedKey = { ok: true; key: KeyObject } | { ok: false; reason: string };

export function parsePrivateKey(pem: string): ParsedKey {
  if (/ENCRYPTED/.test(pem))
    return {
      ok: false,
      reason: 'the key is encrypted: the gateway needs an unencrypted PEM key (protect the file or variable instead)',
    };
  try {
    return { ok: true, key: createPrivateKey(pem) };
  } catch {
    // The parser's message may quote the input: say only what is wrong.
    return { ok: false, reason: 'the key is not a PEM private key' };
  }
}

export function keyMatches(leaf: X509Certificate, key: KeyObject): boolean {
  try {
    return leaf.checkPrivateKey(key);
  } catch {
    return false;
  }
}

/**
 * Whether a certificate valid for `names` serves `host`: exact names; a
 * wildcard name `*.example.com` covers one label (`a.example.com`), and a host
 * written `*.example.com` is covered only by that very wildcard.
 */
export function coversHost(names: readonly string[], host: string): boolean {
  const wanted = isIP(host) ? host : host.toLowerCase();
  for (const name of names) {
    if (name === wanted) return true;
    if (!wanted.startsWith('*.') && name.startsWith('*.')) {
      const dot = wanted.indexOf('.');
      if (dot > 0 && wanted.slice(dot) === name.slice(1)) return true;
    }
  }
  return false;
}

const DAY_MS = 86_400_000;

/** Days left until notAfter (negative once expired). */
export function daysLeft(summary: Pick<CertificateSummary, 'notAfter'>, now = Date.now()): number {
  return (Date.parse(summary.notAfter) - now) / DAY_MS;
}

/** "sha256 AB:CD:EF:01…, CN=www.example.com, expires 2026-01-31": how a certificate is shown in plans. */
export function describeCertificate(summary: CertificateSummary): string {
  return `sha256 ${summary.fingerprint.slice(0, 23)}…, ${summary.names.join(' ') || summary.subject}, expires ${summary.notAfter.slice(0, 10)}`;
}
