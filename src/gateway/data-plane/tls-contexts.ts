import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';
import type { TlsSettings } from '../../model/types.js';
import type { CertificateSummary } from '../../tls/pem.js';

/** What the control side resolved and checked for the TLS listeners; it crosses to the data plane's thread, never to disk. */
export interface TlsStage {
  /** Identity of settings + material: an unchanged digest is not staged again. */
  digest: string;
  settings: TlsSettings;
  certificates: { name: string; hosts: string[]; cert: string; key: string; summary: CertificateSummary }[];
}

/**
 * The secure contexts of one applied state, built on the data plane's thread
 * (they hold native handles): one per certificate, found by SNI (exact name,
 * then the wildcard of the name's parent). The first certificate by name is
 * the default, for clients without SNI or with a name nobody serves (as
 * nginx's default server does).
 */
export class TlsContexts {
  private readonly exact = new Map<string, SecureContext>();
  private readonly wildcard = new Map<string, SecureContext>();
  readonly defaultOptions: SecureContextOptions;

  constructor(readonly stage: TlsStage) {
    const common: SecureContextOptions = {
      minVersion: stage.settings.minVersion,
      ...(stage.settings.ciphers ? { ciphers: stage.settings.ciphers } : {}),
    };
    for (const cert of stage.certificates) {
      const context = createSecureContext({ ...common, cert: cert.cert, key: cert.key });
      for (const host of cert.hosts) {
        if (host.startsWith('*.')) this.wildcard.set(host.slice(1), context);
        else this.exact.set(host, context);
      }
    }
    const first = stage.certificates[0];
    // Version and ciphers are fixed by the default context when the handshake starts, whatever SNI picks after.
    this.defaultOptions = first ? { ...common, cert: first.cert, key: first.key } : common;
  }

  get digest(): string {
    return this.stage.digest;
  }

  get redirectHttp(): boolean {
    return this.stage.settings.redirectHttp && this.stage.certificates.length > 0;
  }

  /** The context for an SNI name; undefined → the default context. */
  forServerName(servername: string): SecureContext | undefined {
    const name = servername.toLowerCase();
    const exact = this.exact.get(name);
    if (exact) return exact;
    const dot = name.indexOf('.');
    return dot > 0 ? this.wildcard.get(name.slice(dot)) : undefined;
  }

  /** What /status shows: names, hosts, fingerprints and dates; nothing of a key. */
  summaries(): { name: string; hosts: string[]; fingerprint: string; notAfter: string; names: string[] }[] {
    return this.stage.certificates.map((c) => ({
      name: c.name,
      hosts: c.hosts,
      fingerprint: c.summary.fingerprint,
      notAfter: c.summary.notAfter,
      names: c.summary.names,
    }));
  }
}
