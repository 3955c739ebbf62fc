import type { ApiManifest } from '../../manifest/types.js';
import type { ApiState, EnvironmentState } from '../../model/types.js';
import type { EnvironmentChange } from './environment.js';
import type { ApiChange, DetectorContext, FindingDraft } from './types.js';

const VERSION_RANK = { 'TLSv1.2': 2, 'TLSv1.3': 3 } as const;

function servedHosts(state: EnvironmentState): Set<string> {
  return new Set((state.certificates ?? []).flatMap((c) => c.hosts));
}

/**
 * An environment's HTTPS weakened by a change: every certificate removed (its
 * TLS listeners refuse every handshake), a lower minimum version, another
 * cipher list, plain HTTP no longer redirected, host names no longer served.
 */
export function tlsFindings(change: EnvironmentChange, ctx: DetectorContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const before = change.baseState;
  const after = change.headState;
  if (!before.certificates?.length) return out;
  const env = change.name;
  const at = (path: (string | number)[]) =>
    ctx.locate.environment(env, change.head.spec.tls ? ['spec', 'tls', ...path] : ['spec']);
  if (!after.certificates?.length) {
    out.push({
      code: 'TG_TLS_REMOVED',
      message: `environment "${env}" no longer serves any certificate (it served ${before.certificates.map((c) => c.name).join(', ')}): its HTTPS listeners would refuse every client`,
      at: at(['certificates']),
    });
    return out;
  }
  const was = before.environment.tls;
  const now = after.environment.tls;
  if (was && now && VERSION_RANK[now.minVersion] < VERSION_RANK[was.minVersion]) {
    out.push({
      code: 'TG_TLS_WEAKENED',
      message: `environment "${env}": minimum TLS version lowered from ${was.minVersion} to ${now.minVersion}`,
      at: at(['minVersion']),
    });
  }
  if (was && now && (was.ciphers ?? '') !== (now.ciphers ?? '')) {
    out.push({
      code: 'TG_TLS_WEAKENED',
      message: `environment "${env}": cipher list changed from ${was.ciphers ?? "Node.js's defaults"} to ${now.ciphers ?? "Node.js's defaults"}: check that no weak cipher came in`,
      at: at(['ciphers']),
    });
  }
  if (was?.redirectHttp && !now?.redirectHttp) {
    out.push({
      code: 'TG_TLS_WEAKENED',
      message: `environment "${env}": plain HTTP is no longer redirected to HTTPS`,
      at: at(['redirectHttp']),
    });
  }
  const hosts = servedHosts(after);
  const dropped = [...servedHosts(before)].filter((h) => !hosts.has(h));
  if (dropped.length)
    out.push({
      code: 'TG_TLS_WEAKENED',
      message: `environment "${env}" no longer serves HTTPS for ${dropped.join(', ')}`,
      at: at(['certificates']),
    });
  return out;
}

/** Where an Api's upstreamTls comes from in one environment: its override, or the Api's own. */
function upstreamTlsPath(manifest: ApiManifest | undefined, environment: string, field?: string): (string | number)[] {
  const base = manifest?.spec.overrides?.[environment]?.upstreamTls
    ? ['spec', 'overrides', environment, 'upstreamTls']
    : ['spec', 'upstreamTls'];
  return field ? [...base, field] : base;
}

function verificationOff(api: ApiState): boolean {
  return api.upstream.startsWith('https://') && api.upstreamTls?.verify === false;
}

/** An upstream reached with less protection: verification turned off (an error), https dropped, its CA or client certificate removed. */
export function upstreamTlsFindings(change: ApiChange, ctx: DetectorContext): FindingDraft[] {
  const out: FindingDraft[] = [];
  const { before, after, api, environment } = change;
  const manifest = ctx.locate.apiManifest(api);
  if (verificationOff(after) && !verificationOff(before)) out.push(unverified(after, environment, ctx));
  if (before.upstream.startsWith('https://') && after.upstream.startsWith('http://')) {
    out.push({
      code: 'TG_UPSTREAM_TLS_REMOVED',
      message: `Api "${api}": upstream moved from ${before.upstream} to ${after.upstream}: traffic to it is no longer encrypted`,
      at: ctx.locate.api(
        api,
        manifest?.spec.overrides?.[environment]?.upstream
          ? ['spec', 'overrides', environment, 'upstream']
          : ['spec', 'upstream'],
      ),
    });
  } else if (after.upstream.startsWith('https://')) {
    for (const field of ['ca', 'clientCertificate'] as const) {
      if (before.upstreamTls?.[field] !== undefined && after.upstreamTls?.[field] === undefined) {
        out.push({
          code: 'TG_UPSTREAM_TLS_REMOVED',
          message: `Api "${api}": upstreamTls.${field} removed${field === 'ca' ? ': the upstream is verified against the system CAs instead' : ': the gateway no longer proves who it is to the upstream'}`,
          at: ctx.locate.api(api, upstreamTlsPath(manifest, environment)),
        });
      }
    }
  }
  return out;
}

/** A new Api that starts with verification off is flagged as well. */
export function newApiTlsFindings(after: ApiState, environment: string, ctx: DetectorContext): FindingDraft[] {
  return verificationOff(after) ? [unverified(after, environment, ctx)] : [];
}

function unverified(after: ApiState, environment: string, ctx: DetectorContext): FindingDraft {
  const manifest = ctx.locate.apiManifest(after.name);
  return {
    code: 'TG_UPSTREAM_TLS_UNVERIFIED',
    message: `Api "${after.name}": upstreamTls.verify is false: the certificate of ${after.upstream} is not verified, so anyone on the path can impersonate it`,
    at: ctx.locate.api(after.name, upstreamTlsPath(manifest, environment, 'verify')),
  };
}
