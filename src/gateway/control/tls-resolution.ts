import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ApiState, EnvironmentState } from '../../model/types.js';
import { checkCertificateMaterial, isError } from '../../tls/check-material.js';
import type { TlsReaders } from '../../tls/resolve.js';
import { checkUpstreamTls } from '../../tls/upstream-material.js';
import type { TlsStage } from '../data-plane/tls-contexts.js';
import type { UpstreamTls } from '../proxy/pools.js';
import type { StateProblem } from '../state/check-state.js';

/** What the gateway resolved of a state's TLS references, from its own environment and file system. */
export interface TlsResolution {
  /** null: the state serves no certificate. Only the certificates that passed every check. */
  stage: TlsStage | null;
  /** Per API with upstreamTls: what its pool connects with, or why it cannot. */
  upstreams: Map<string, UpstreamTls | { problem: string }>;
  problems: StateProblem[];
  /** Not refused, but worth a log line (a certificate about to expire). */
  warnings: string[];
}

/** Digests of key material stay in this process: keyed with a random key, never shown. */
const DIGEST_KEY = randomBytes(32);

function digestOf(parts: readonly string[]): string {
  const hmac = createHmac('sha256', DIGEST_KEY);
  for (const part of parts) hmac.update(createHash('sha256').update(part).digest()).update('\0');
  return hmac.digest('hex');
}

/**
 * Resolves and checks every certificate and upstream TLS setting of a state
 * (whose references the gateway resolves, as it does sharedStorage): the
 * PEMs parse, keys match, hosts are covered, nothing is expired. Problems are
 * positioned in the wire state; material never appears in them.
 */
export function resolveTls(state: EnvironmentState, readers: TlsReaders, now = Date.now()): TlsResolution {
  const problems: StateProblem[] = [];
  const warnings: string[] = [];
  const certificates: TlsStage['certificates'] = [];
  const settings = state.environment.tls ?? { minVersion: 'TLSv1.2' as const, redirectHttp: false };
  (state.certificates ?? []).forEach((cert, i) => {
    const checked = checkCertificateMaterial(`Certificate "${cert.name}"`, cert, { readers, mode: 'gateway', now });
    for (const p of checked.problems) {
      if (isError(p))
        problems.push({ path: `/certificates/${i}${p.at.map((s) => `/${s}`).join('')}`, message: p.message });
      else warnings.push(p.message);
    }
    if (checked.resolved && checked.summary)
      certificates.push({
        name: cert.name,
        hosts: cert.hosts,
        cert: checked.resolved.certificate,
        key: checked.resolved.key,
        summary: checked.summary,
      });
  });
  const stage: TlsStage | null = certificates.length
    ? {
        settings,
        certificates,
        digest: digestOf([
          JSON.stringify(settings),
          ...certificates.flatMap((c) => [c.name, c.hosts.join(','), c.cert, c.key]),
        ]),
      }
    : (state.certificates?.length ?? 0) > 0 || state.environment.tls
      ? // Certificates that all failed still leave a listener that refuses handshakes, with the state's settings.
        { settings, certificates: [], digest: digestOf([JSON.stringify(settings)]) }
      : null;
  const upstreams = new Map<string, UpstreamTls | { problem: string }>();
  state.apis.forEach((api, a) => {
    const resolved = resolveUpstream(api, readers, now);
    if (!resolved) return;
    if ('problems' in resolved) {
      for (const p of resolved.problems)
        problems.push({ path: `/apis/${a}/upstreamTls${p.at.map((s) => `/${s}`).join('')}`, message: p.message });
      upstreams.set(api.name, { problem: resolved.problems.map((p) => p.message).join('; ') });
    } else upstreams.set(api.name, resolved);
  });
  return { stage, upstreams, problems, warnings };
}

function resolveUpstream(
  api: ApiState,
  readers: TlsReaders,
  now: number,
): UpstreamTls | { problems: { message: string; at: (string | number)[] }[] } | undefined {
  if (!api.upstreamTls) return undefined;
  const checked = checkUpstreamTls(`Api "${api.name}"`, api.upstream, api.upstreamTls, {
    readers,
    mode: 'gateway',
    now,
  });
  const errors = checked.problems.filter(isError);
  if (errors.length || !checked.material)
    return {
      problems: errors.length ? errors : [{ message: `Api "${api.name}": upstreamTls could not be resolved`, at: [] }],
    };
  const m = checked.material;
  return {
    material: m,
    digest: digestOf([
      JSON.stringify({ ...m, ca: undefined, cert: undefined, key: undefined }),
      m.ca ?? '',
      m.cert ?? '',
      m.key ?? '',
    ]),
  };
}
