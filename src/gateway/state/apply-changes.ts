import type {
  ApiState,
  ApplicationState,
  CertificateState,
  EnvironmentSettings,
  EnvironmentState,
} from '../../model/types.js';

/** One change of a transaction; a plan folds its changes into these. */
export type StateChange =
  | { op: 'put-api'; api: ApiState }
  | { op: 'delete-api'; name: string }
  | { op: 'put-application'; application: ApplicationState }
  | { op: 'delete-application'; name: string }
  | { op: 'set-environment'; environment: EnvironmentSettings }
  | { op: 'put-certificate'; certificate: CertificateState }
  | { op: 'delete-certificate'; name: string };

/** Folds changes onto a state, returning a new state (the input is not modified). */
export function applyChanges(state: EnvironmentState, changes: readonly StateChange[]): EnvironmentState {
  const apis = new Map(state.apis.map((a) => [a.name, a]));
  const applications = new Map(state.applications.map((a) => [a.name, a]));
  const certificates = new Map((state.certificates ?? []).map((c) => [c.name, c]));
  let environment = state.environment;
  for (const change of changes) {
    switch (change.op) {
      case 'put-api':
        apis.set(change.api.name, change.api);
        break;
      case 'delete-api':
        apis.delete(change.name);
        break;
      case 'put-application':
        applications.set(change.application.name, change.application);
        break;
      case 'delete-application':
        applications.delete(change.name);
        break;
      case 'set-environment':
        environment = change.environment;
        break;
      case 'put-certificate':
        certificates.set(change.certificate.name, change.certificate);
        break;
      case 'delete-certificate':
        certificates.delete(change.name);
        break;
    }
  }
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const next: EnvironmentState = {
    environment,
    apis: [...apis.values()].sort(byName),
    applications: [...applications.values()].sort(byName),
  };
  // An unchanged list stays the same array: the gateway knows it as checked.
  if (certificates.size)
    next.certificates = changes.some((c) => c.op === 'put-certificate' || c.op === 'delete-certificate')
      ? [...certificates.values()].sort(byName)
      : state.certificates!;
  return next;
}
