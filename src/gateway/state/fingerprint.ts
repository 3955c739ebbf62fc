import { createHash, hash } from 'node:crypto';
import type { ApplicationState, EnvironmentState } from '../../model/types.js';
import { comparableState } from '../../secrets/comparable.js';

/**
 * Fingerprints are sha256 over JSON.stringify: fast, and equal for states that
 * went through the same normalization (manifests → state, or the same state
 * sent and stored). Equal fingerprints mean equal states; unequal ones only
 * mean "compare them" — the diff decides, so key order can never cause a wrong plan.
 */
export function fingerprint(value: unknown): string {
  return hash('sha256', JSON.stringify(value), 'hex');
}

export interface StateFingerprints {
  /** Digest of the whole (public) state. */
  digest: string;
  /** The environment settings without TLS: part of every API's compile key. */
  environment: string;
  /** TLS settings and certificates: never part of a compile key (a rotation recompiles nothing). Absent without TLS. */
  tls?: string;
  applications: string;
  apis: Record<string, string>;
}

/**
 * Fingerprints of a sealed state, its secrets in comparable form (a planner
 * holding the values computes the same); `cache` remembers objects already
 * fingerprinted (states share unchanged objects).
 */
export function stateFingerprints(sealed: EnvironmentState, cache?: WeakMap<object, string>): StateFingerprints {
  const view = comparableState(sealed, undefined);
  const apis: Record<string, string> = {};
  for (const api of view.apis) apis[api.name] = cachedFingerprint(api, cache);
  return withApiFingerprints(view, apis, cache);
}

/** The fingerprints of a (public, sealed) state whose APIs' fingerprints are already known. */
export function withApiFingerprints(
  view: Pick<EnvironmentState, 'environment' | 'applications' | 'certificates'>,
  apis: Record<string, string>,
  cache?: WeakMap<object, string>,
): StateFingerprints {
  const { tls: tlsSettings, ...settings } = view.environment;
  const environment = fingerprint(settings);
  const applications = fingerprint(view.applications.map((app) => cachedFingerprint(app, cache)));
  let all = `${environment}\0${applications}`;
  for (const name of sortedKeys(apis)) all += `\0${name}\0${apis[name] as string}`;
  // States without TLS keep the digests they always had.
  const tls =
    tlsSettings || view.certificates?.length
      ? fingerprint({
          settings: tlsSettings ?? null,
          certificates: (view.certificates ?? []).map((c) => cachedFingerprint(c, cache)),
        })
      : undefined;
  if (tls !== undefined) all += `\0tls\0${tls}`;
  const out: StateFingerprints = {
    digest: `sha256:${createHash('sha256').update(all).digest('hex')}`,
    environment,
    applications,
    apis,
  };
  if (tls !== undefined) out.tls = tls;
  return out;
}

export function cachedFingerprint(value: object, cache?: WeakMap<object, string>): string {
  let fp = cache?.get(value);
  if (fp === undefined) {
    fp = fingerprint(value);
    cache?.set(value, fp);
  }
  return fp;
}

/** Applications with a contract for each API version, by API name (one pass over the applications). */
export function applicationsByApi(applications: readonly ApplicationState[]): Map<string, ApplicationState[]> {
  const byApi = new Map<string, ApplicationState[]>();
  for (const app of applications) {
    for (const c of app.contracts) {
      const list = byApi.get(c.api) ?? [];
      if (!list.includes(app)) list.push(app);
      byApi.set(c.api, list);
    }
  }
  return byApi;
}

/** States list their APIs by name, so the keys usually come in order already: sorted only if not. */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  for (let i = 1; i < keys.length; i++) if ((keys[i - 1] as string) > (keys[i] as string)) return keys.sort();
  return keys;
}
