import { describeCertificate, parseCertificateChain } from '../tls/pem.js';
import { tlsReference } from '../tls/references.js';

/**
 * How a certificate value is shown in a plan: an inline PEM by its SHA-256
 * fingerprint, names and expiry; a reference as written (the gateway resolves it).
 */
export function certificateView(value: string): string {
  if (tlsReference(value)) return value;
  const parsed = parseCertificateChain(value);
  return parsed.ok ? describeCertificate(parsed.summary) : '(a PEM that does not parse)';
}
