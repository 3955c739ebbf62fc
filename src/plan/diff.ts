import type { SecretValue } from '../manifest/types.js';
import type {
  ApiState,
  ApplicationState,
  CertificateState,
  EnvironmentSettings,
  EnvironmentState,
  PolicyInstance,
} from '../model/types.js';
import { certificateView } from './certificate-view.js';
import { policyModule } from '../policies/catalog.js';
import { deepEqual } from '../gateway/state/digest.js';
import { canonicalState } from './canonical.js';
import { fieldChanges } from './field-diff.js';
import { SECRET_MASK, sameSecret } from './secrets.js';
import type { Change, FieldChange } from './types.js';

/**
 * What turns `live` into `desired`, as a list of changes. Pure: two normalized
 * states in, changes out. Identity is the name (API, policy within its chain,
 * application), so a changed config is an update and a new order a reorder.
 * `live` undefined means a gateway that holds no state yet.
 */
export function diffStates(desiredState: EnvironmentState, liveState: EnvironmentState | undefined): Change[] {
  // The very same objects on both sides (a planner that read only what differs) need no comparison.
  const liveByName = new Map(liveState?.apis.map((a) => [a.name, a]));
  const shared = new Set(desiredState.apis.filter((a) => liveByName.get(a.name) === a).map((a) => a.name));
  const sameApplications = liveState?.applications === desiredState.applications;
  const unshared = (state: EnvironmentState) => ({
    ...state,
    apis: state.apis.filter((a) => !shared.has(a.name)),
    applications: sameApplications ? [] : state.applications,
  });
  const desired = canonicalState(unshared(desiredState));
  const live = liveState && canonicalState(unshared(liveState));
  const changes: Change[] = [];
  const envFields = environmentChanges(desired.environment, live?.environment);
  if (envFields.length) changes.push({ kind: 'update-environment', fields: envFields });

  const liveApis = new Map(live?.apis.map((a) => [a.name, a]));
  for (const api of desired.apis) {
    const before = liveApis.get(api.name);
    if (!before) changes.push({ kind: 'create-api', api: api.name, after: api });
    else changes.push(...apiChanges(api, before));
  }
  const desiredApis = new Set(desiredState.apis.map((a) => a.name));
  for (const api of live?.apis ?? [])
    if (!desiredApis.has(api.name)) changes.push({ kind: 'delete-api', api: api.name, before: api });

  const liveApps = new Map(live?.applications.map((a) => [a.name, a]));
  for (const app of desired.applications) {
    const before = liveApps.get(app.name);
    if (!before) changes.push({ kind: 'create-application', application: app.name, after: app });
    else {
      const fields = applicationChanges(app, before);
      if (fields.length) changes.push({ kind: 'update-application', application: app.name, fields });
    }
  }
  const desiredApps = new Set(desired.applications.map((a) => a.name));
  for (const app of live?.applications ?? [])
    if (!desiredApps.has(app.name)) changes.push({ kind: 'delete-application', application: app.name, before: app });
  changes.push(...certificateChanges(desired.certificates ?? [], live?.certificates ?? []));
  return changes;
}

/** Certificates by name; what changed in one is shown by fingerprint and expiry (certificate-view.ts), never key material. */
function certificateChanges(desired: readonly CertificateState[], live: readonly CertificateState[]): Change[] {
  const changes: Change[] = [];
  const before = new Map(live.map((c) => [c.name, c]));
  for (const cert of desired) {
    const was = before.get(cert.name);
    if (!was) {
      changes.push({ kind: 'create-certificate', certificate: cert.name, after: cert });
      continue;
    }
    const fields = fieldChanges(
      { owner: was.owner, labels: was.labels, hosts: was.hosts, key: was.key },
      { owner: cert.owner, labels: cert.labels, hosts: cert.hosts, key: cert.key },
    );
    if (was.certificate !== cert.certificate)
      fields.unshift({
        path: 'certificate',
        before: certificateView(was.certificate),
        after: certificateView(cert.certificate),
      });
    if (fields.length) changes.push({ kind: 'update-certificate', certificate: cert.name, fields });
  }
  const names = new Set(desired.map((c) => c.name));
  for (const cert of live)
    if (!names.has(cert.name)) changes.push({ kind: 'delete-certificate', certificate: cert.name, before: cert });
  return changes;
}

function environmentChanges(desired: EnvironmentSettings, live: EnvironmentSettings | undefined): FieldChange[] {
  const { sharedStorage: desiredStorage, ...desiredRest } = desired;
  const { sharedStorage: liveStorage, ...liveRest } = live ?? ({} as Partial<EnvironmentSettings>);
  const fields = fieldChanges(liveRest, desiredRest);
  fields.push(...secretChange('sharedStorage', desiredStorage, liveStorage));
  return fields;
}

function secretChange(path: string, desired: SecretValue | undefined, live: SecretValue | undefined): FieldChange[] {
  if (sameSecret(desired, live)) return [];
  return [
    {
      path,
      before: live === undefined ? undefined : SECRET_MASK,
      after: desired === undefined ? undefined : SECRET_MASK,
    },
  ];
}

function apiChanges(desired: ApiState, live: ApiState): Change[] {
  if (deepEqual(desired, live)) return [];
  const changes: Change[] = [];
  const { chain: desiredChain, ...desiredRest } = desired;
  const { chain: liveChain, ...liveRest } = live;
  const fields = fieldChanges(liveRest, desiredRest);
  if (fields.length) changes.push({ kind: 'update-api', api: desired.name, fields });

  const livePolicies = new Map(liveChain.map((p) => [p.name, p]));
  for (const policy of desiredChain) {
    const before = livePolicies.get(policy.name);
    if (!before) {
      changes.push({ kind: 'add-policy', api: desired.name, policy: policy.name, type: policy.type, after: policy });
      continue;
    }
    if (before.enabled !== policy.enabled) {
      changes.push({
        kind: policy.enabled ? 'enable-policy' : 'disable-policy',
        api: desired.name,
        policy: policy.name,
        type: policy.type,
      });
    }
    const policyFields = policyChanges(policy, before);
    if (policyFields.length)
      changes.push({
        kind: 'update-policy',
        api: desired.name,
        policy: policy.name,
        type: policy.type,
        fields: policyFields,
      });
  }
  const desiredNames = new Set(desiredChain.map((p) => p.name));
  for (const policy of liveChain)
    if (!desiredNames.has(policy.name))
      changes.push({
        kind: 'remove-policy',
        api: desired.name,
        policy: policy.name,
        type: policy.type,
        before: policy,
      });

  // A reorder: the policies both sides have, in a different relative order.
  const kept = (chain: PolicyInstance[], other: Set<string>) =>
    chain.filter((p) => other.has(p.name)).map((p) => p.name);
  const liveNames = new Set(liveChain.map((p) => p.name));
  const beforeOrder = kept(liveChain, desiredNames);
  const afterOrder = kept(desiredChain, liveNames);
  if (beforeOrder.join('\0') !== afterOrder.join('\0')) {
    changes.push({
      kind: 'reorder-chain',
      api: desired.name,
      before: liveChain.map((p) => p.name),
      after: desiredChain.map((p) => p.name),
    });
  }
  return changes;
}

/** Fields of a policy that differ (both in canonical form), secrets compared by digest and masked. */
export function policyChanges(desired: PolicyInstance, live: PolicyInstance): FieldChange[] {
  const secrets = policyModule(desired.type).secretFields;
  const strip = (p: PolicyInstance) => {
    const config = { ...p.config };
    for (const field of secrets) delete config[field];
    const { enabled: _enabled, ...rest } = { ...p, config };
    return rest;
  };
  const fields = fieldChanges(strip(live), strip(desired));
  if (desired.type === live.type) {
    for (const field of secrets)
      fields.push(
        ...secretChange(
          `config.${field}`,
          desired.config[field] as SecretValue | undefined,
          live.config[field] as SecretValue | undefined,
        ),
      );
  }
  return fields;
}

function applicationChanges(desired: ApplicationState, live: ApplicationState): FieldChange[] {
  const { clientSecret: desiredSecret, ...desiredRest } = desired;
  const { clientSecret: liveSecret, ...liveRest } = live;
  return [...fieldChanges(liveRest, desiredRest), ...secretChange('clientSecret', desiredSecret, liveSecret)];
}
