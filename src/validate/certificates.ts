import path from 'node:path';
import { diagnostic, formatPath, type Diagnostic, type PathSegment } from '../errors/diagnostic.js';
import { locate, type SourceDocument } from '../manifest/source.js';
import type { ManifestSet } from '../manifest/types.js';
import { effectiveApi } from '../model/effective-api.js';
import { checkCertificateMaterial, type MaterialProblem } from '../tls/check-material.js';
import { absoluteFileReference, tlsReference } from '../tls/references.js';
import type { TlsReaders } from '../tls/resolve.js';
import { checkUpstreamTls } from '../tls/upstream-material.js';

export interface CertificateCheckOptions {
  readers: TlsReaders;
  expiryWarningDays?: number;
  now?: number;
}

/**
 * Certificates, upstream TLS and admin TLS of the manifests, checked as far as
 * this machine can resolve them: references to Certificates exist, keys are
 * references, PEMs parse, keys match, hosts are covered, nothing is expired,
 * and one environment serves each host with one certificate.
 */
export function certificateDiagnostics(set: ManifestSet, options: CertificateCheckOptions): Diagnostic[] {
  const out: Diagnostic[] = [];
  const certificates = new Map((set.certificates ?? []).map((c) => [c.name, c]));
  const known = (name: string) => certificates.has(name) || set.invalidNames.Certificate.has(name);
  const material = {
    readers: options.readers,
    mode: 'offline' as const,
    ...(options.expiryWarningDays === undefined ? {} : { expiryWarningDays: options.expiryWarningDays }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  const report = (source: SourceDocument, prefix: PathSegment[], problems: readonly MaterialProblem[]) => {
    for (const p of problems)
      out.push(diagnostic(p.code, p.message, locate(source, [...prefix, ...p.at]), formatPath([...prefix, ...p.at])));
  };
  const unknown = (source: SourceDocument, at: PathSegment[], name: string, by: string) => {
    const defined = [...certificates.keys()].join(', ') || 'none';
    out.push(
      diagnostic(
        'TG_UNKNOWN_REFERENCE',
        `${by} references Certificate "${name}", which is not defined (defined: ${defined})`,
        locate(source, at),
        formatPath(at),
      ),
    );
  };

  for (const cert of certificates.values()) {
    const spec = {
      ...cert.spec,
      certificate: absoluteFileReference(cert.spec.certificate, cert.source.file),
      key: absoluteFileReference(cert.spec.key, cert.source.file),
    };
    report(cert.source, ['spec'], checkCertificateMaterial(`Certificate "${cert.name}"`, spec, material).problems);
  }

  for (const env of set.environments) {
    const served = new Map<string, string>();
    const serve = (name: string, source: SourceDocument, at: PathSegment[]) => {
      const cert = certificates.get(name);
      for (const host of cert?.spec.hosts ?? []) {
        const other = served.get(host.toLowerCase());
        if (other !== undefined && other !== name)
          out.push(
            diagnostic(
              'TG_TLS_HOSTS',
              `environment "${env.name}" would serve host "${host}" with two certificates, "${other}" and "${name}": SNI must pick one`,
              locate(source, at),
              formatPath(at),
            ),
          );
        served.set(host.toLowerCase(), name);
      }
    };
    env.spec.tls?.certificates.forEach((name, i) => {
      const at = ['spec', 'tls', 'certificates', i];
      if (!known(name)) unknown(env.source, at, name, `environment "${env.name}"`);
      else serve(name, env.source, at);
    });
    for (const api of set.apis) {
      if (!api.spec.environments.includes(env.name)) continue;
      api.spec.certificates?.forEach((name, i) => {
        const at = ['spec', 'certificates', i];
        if (!known(name)) unknown(api.source, at, name, `Api "${api.name}"`);
        else if (!env.spec.tls?.certificates.includes(name)) serve(name, api.source, at);
      });
    }
    env.spec.nodes.forEach((node, i) => {
      const at = ['spec', 'nodes', i];
      if ((node.ca !== undefined || node.clientCertificate !== undefined) && !node.adminUrl.startsWith('https://')) {
        out.push(
          diagnostic(
            'TG_TLS_CERTIFICATE',
            `node "${node.name}": ca and clientCertificate apply to an https:// adminUrl, not ${node.adminUrl}`,
            locate(env.source, [...at, 'adminUrl']),
            formatPath([...at, 'adminUrl']),
          ),
        );
      }
      if (node.clientKey !== undefined && !tlsReference(node.clientKey)) {
        out.push(
          diagnostic(
            'TG_TLS_KEY',
            `node "${node.name}": clientKey is written inline; only a reference is accepted (\${env:NAME} or \${file:PATH}). Rotate the exposed key`,
            locate(env.source, [...at, 'clientKey']),
            formatPath([...at, 'clientKey']),
          ),
        );
      }
    });
  }

  for (const api of set.apis) {
    if (!api.spec.upstreamTls && !Object.values(api.spec.overrides ?? {}).some((o) => o.upstreamTls)) continue;
    const checked = new Set<string>();
    for (const envName of api.spec.environments) {
      const effective = effectiveApi(api, envName);
      const tls = effective.upstreamTls;
      if (!tls) continue;
      const overridden = api.spec.overrides?.[envName]?.upstreamTls !== undefined;
      const prefix: PathSegment[] = overridden
        ? ['spec', 'overrides', envName, 'upstreamTls']
        : ['spec', 'upstreamTls'];
      const dir = path.dirname(api.source.file);
      const absolute = {
        ...tls,
        ...(tls.ca ? { ca: absoluteFileReference(tls.ca, api.source.file) } : {}),
        ...(tls.clientCertificate
          ? { clientCertificate: absoluteFileReference(tls.clientCertificate, api.source.file) }
          : {}),
        ...(tls.clientKey ? { clientKey: absoluteFileReference(tls.clientKey, api.source.file) } : {}),
      };
      const key = `${prefix.join('.')}\0${effective.upstream}\0${dir}`;
      if (checked.has(key)) continue;
      checked.add(key);
      const problems = checkUpstreamTls(`Api "${api.name}"`, effective.upstream, absolute, material).problems;
      report(api.source, prefix, problems);
    }
  }
  return out;
}
