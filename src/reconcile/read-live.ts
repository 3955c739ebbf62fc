import { fingerprint, withApiFingerprints, type StateFingerprints } from '../gateway/state/fingerprint.js';
import { isFrozenDeep } from '../model/immutable.js';
import { comparableApi, comparableState } from '../secrets/comparable.js';
import type { ApiState, EnvironmentState } from '../model/types.js';
import type { FingerprintView, LiveView } from './admin-client.js';
import type { LiveClient } from './target.js';

/** Above this many differing APIs, one full read is cheaper than a long query string. */
const MAX_SELECTIVE_READ = 200;

/**
 * The live state as far as a plan against `desired` needs it. The node's
 * per-API fingerprints are compared with the desired state's (secrets in the
 * comparable form, made with the node's key); only APIs that differ are read,
 * the others are known to equal the desired ones. An unchanged node costs one
 * small request.
 */
const fingerprintsOfDesired = new WeakMap<EnvironmentState, { key: string; fingerprints: StateFingerprints }>();
/** Fingerprints of frozen APIs (see freezeDeep), which later desired states share; `key` only for APIs holding secrets. */
const fingerprintsOfApis = new WeakMap<
  ApiState,
  { environment: string; key: string | undefined; fingerprint: string }
>();

/** The desired state fingerprinted the way the node fingerprints its own, once per desired state and node key. */
function desiredFingerprints(desired: EnvironmentState, key: string): StateFingerprints {
  const known = fingerprintsOfDesired.get(desired);
  if (known?.key === key) return known.fingerprints;
  const environment = desired.environment.name;
  const apis: Record<string, string> = {};
  for (const api of desired.apis) apis[api.name] = apiFingerprint(api, environment, key);
  const fingerprints = withApiFingerprints(comparableState({ ...desired, apis: [] }, key), apis);
  fingerprintsOfDesired.set(desired, { key, fingerprints });
  return fingerprints;
}

function apiFingerprint(api: ApiState, environment: string, key: string): string {
  const comparable = comparableApi(api, environment, key);
  // Only an API holding secrets has a fingerprint that depends on the node's key.
  const keyed = comparable !== api ? key : undefined;
  const known = fingerprintsOfApis.get(api);
  if (known?.environment === environment && known.key === keyed) return known.fingerprint;
  const computed = fingerprint(comparable);
  if (isFrozenDeep(api)) fingerprintsOfApis.set(api, { environment, key: keyed, fingerprint: computed });
  return computed;
}

export async function readLiveForPlan(client: LiveClient, desired: EnvironmentState): Promise<LiveView> {
  const view = await client.getFingerprints();
  const live = await readDiffering(client, desired, view);
  return view.holding ? { ...live, holding: true } : live;
}

async function readDiffering(client: LiveClient, desired: EnvironmentState, view: FingerprintView): Promise<LiveView> {
  const live = view.fingerprints;
  if (!live) return { revision: view.revision, digest: view.digest };
  const mine = desiredFingerprints(desired, client.secretCheckKey);
  if (mine.digest === live.digest) return { revision: view.revision, digest: view.digest, state: desired };
  const differing = Object.keys(live.apis).filter((name) => mine.apis[name] !== live.apis[name]);
  if (differing.length > MAX_SELECTIVE_READ) return client.getState();
  const read = await client.getState(differing);
  if (!read.state) return read;
  if (read.revision !== view.revision) return client.getState();
  const fetched = new Map(read.state.apis.map((a) => [a.name, a]));
  const desiredApis = new Map(desired.apis.map((a) => [a.name, a]));
  const apis = Object.keys(live.apis)
    .sort()
    .map((name) => fetched.get(name) ?? desiredApis.get(name))
    .filter((a): a is EnvironmentState['apis'][number] => a !== undefined);
  // Applications known equal are taken from the desired state too: the diff skips what both sides share.
  const applications = mine.applications === live.applications ? desired.applications : read.state.applications;
  return { ...read, state: { ...read.state, apis, applications } };
}
