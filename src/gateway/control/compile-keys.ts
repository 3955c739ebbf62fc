import type { ApiState, ApplicationState, EnvironmentState } from '../../model/types.js';
import { compileKey } from '../chain/compile.js';
import { cachedFingerprint, stateFingerprints, type StateFingerprints } from '../state/fingerprint.js';

/**
 * Compile keys of APIs: what decides whether the data plane compiles an API
 * again. Fingerprints are remembered per object, and an API's key per API
 * object while what it depends on besides itself (the environment, its
 * applications, its upstream's TLS material) is unchanged, so a transaction
 * that touches one API of thousands hashes that one.
 */
export class CompileKeys {
  private readonly fingerprintCache = new WeakMap<object, string>();
  private readonly keys = new WeakMap<ApiState, { dependencies: string; key: string }>();

  fingerprints(state: EnvironmentState): StateFingerprints {
    return stateFingerprints(state, this.fingerprintCache);
  }

  keyOf(
    api: ApiState,
    applications: readonly ApplicationState[],
    fingerprints: StateFingerprints,
    upstreamTlsDigest: string | undefined,
  ): string {
    const applicationFingerprints = applications.map((app) => cachedFingerprint(app, this.fingerprintCache));
    const dependencies = `${fingerprints.environment}\0${applicationFingerprints.join(',')}\0${upstreamTlsDigest ?? ''}`;
    const remembered = this.keys.get(api);
    if (remembered?.dependencies === dependencies) return remembered.key;
    const key = compileKey(
      fingerprints.apis[api.name] ?? '',
      fingerprints.environment,
      applicationFingerprints,
      upstreamTlsDigest,
    );
    this.keys.set(api, { dependencies, key });
    return key;
  }
}
