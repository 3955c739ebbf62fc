import type { UpstreamTlsSpec } from '../manifest/types.js';
import {
  isError,
  resolveCertificate,
  resolveKey,
  type MaterialCheckOptions,
  type MaterialProblem,
} from './check-material.js';
import { keyMatches } from './pem.js';
import { describeSource, tlsReference } from './references.js';
import { resolveTlsValue } from './resolve.js';

/** What the gateway's pool for an https:// upstream connects with: PEM texts, never persisted. */
export interface UpstreamTlsMaterial {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
  minVersion: UpstreamTlsSpec['minVersion'];
}

/** Checks (and, when everything resolves, resolves) an upstream's TLS settings; `at` paths are relative to upstreamTls. */
export function checkUpstreamTls(
  what: string,
  upstream: string,
  tls: UpstreamTlsSpec,
  options: MaterialCheckOptions,
): { problems: MaterialProblem[]; material?: UpstreamTlsMaterial } {
  const problems: MaterialProblem[] = [];
  if (!upstream.startsWith('https://'))
    problems.push({
      code: 'TG_UPSTREAM_TLS',
      message: `${what}: upstreamTls is set but the upstream ${upstream} is not https://`,
      at: [],
    });
  const material: UpstreamTlsMaterial = {
    rejectUnauthorized: tls.verify !== false,
    minVersion: tls.minVersion ?? 'TLSv1.2',
  };
  if (tls.serverName) material.servername = tls.serverName;
  let complete = true;
  if (tls.ca !== undefined) {
    // A CA bundle only has to parse; its certificates' dates are the CA's business (and an expired one is simply not used).
    const resolved = resolveTlsValue(tls.ca, options.readers);
    if (!resolved.ok) {
      complete = false;
      problems.push(
        options.mode === 'gateway'
          ? {
              code: 'TG_UPSTREAM_TLS',
              message: `${what}: the CA bundle (${describeSource(tls.ca)}) cannot be resolved on the gateway: ${resolved.reason}`,
              at: ['ca'],
            }
          : {
              code: 'TG_TLS_UNCHECKED',
              message: `${what}: the CA bundle (${describeSource(tls.ca)}) was not checked here (${resolved.reason}); the gateway checks it when it is applied`,
              at: ['ca'],
            },
      );
    } else if (!/-----BEGIN CERTIFICATE-----/.test(resolved.text)) {
      problems.push({
        code: 'TG_UPSTREAM_TLS',
        message: `${what}: the CA bundle (${describeSource(tls.ca)}) holds no PEM certificate`,
        at: ['ca'],
      });
    } else material.ca = resolved.text;
  }
  if (tls.clientKey !== undefined && !tlsReference(tls.clientKey)) {
    problems.push({
      code: 'TG_TLS_KEY',
      message: `${what}: upstreamTls.clientKey is written inline; only a reference is accepted (\${env:NAME} or \${file:PATH}). Rotate the exposed key`,
      at: ['clientKey'],
    });
  } else if (tls.clientCertificate !== undefined && tls.clientKey !== undefined) {
    const cert = resolveCertificate(
      `${what} (client certificate)`,
      tls.clientCertificate,
      ['clientCertificate'],
      options,
      problems,
    );
    const key = resolveKey(`${what} (client key)`, tls.clientKey, ['clientKey'], options, problems);
    if (cert && key && !keyMatches(cert.leaf, key.key))
      problems.push({
        code: 'TG_TLS_KEY',
        message: `${what}: upstreamTls.clientKey (${describeSource(tls.clientKey)}) does not match the client certificate`,
        at: ['clientKey'],
      });
    if (cert && key) {
      material.cert = cert.text;
      material.key = key.text;
    } else complete = false;
  }
  if (!complete || problems.some(isError)) return { problems };
  return { problems, material };
}
