import type { ApiState, ApplicationState, CertificateState, PolicyInstance } from '../model/types.js';

/** One field that differs; secrets are shown as "(secret)" and compared by digest only. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

export type Change =
  | { kind: 'update-environment'; fields: FieldChange[] }
  | { kind: 'create-api'; api: string; after: ApiState }
  | { kind: 'delete-api'; api: string; before: ApiState }
  | { kind: 'update-api'; api: string; fields: FieldChange[] }
  | { kind: 'add-policy'; api: string; policy: string; type: string; after: PolicyInstance }
  | { kind: 'remove-policy'; api: string; policy: string; type: string; before: PolicyInstance }
  | { kind: 'update-policy'; api: string; policy: string; type: string; fields: FieldChange[] }
  | { kind: 'enable-policy' | 'disable-policy'; api: string; policy: string; type: string }
  | { kind: 'reorder-chain'; api: string; before: string[]; after: string[] }
  | { kind: 'create-application'; application: string; after: ApplicationState }
  | { kind: 'delete-application'; application: string; before: ApplicationState }
  | { kind: 'update-application'; application: string; fields: FieldChange[] }
  | { kind: 'create-certificate'; certificate: string; after: CertificateState }
  | { kind: 'delete-certificate'; certificate: string; before: CertificateState }
  | { kind: 'update-certificate'; certificate: string; fields: FieldChange[] };

export type ChangeKind = Change['kind'];

/** Deletions are only carried out with --prune; without it they are listed here and left alone. */
export interface Plan {
  environment: string;
  changes: Change[];
  skipped: Change[];
  /** Problems that forbid applying this plan (e.g. a kept policy that would break precedence). */
  errors: string[];
}

export function isDeletion(change: Change): boolean {
  return (
    change.kind === 'delete-api' ||
    change.kind === 'remove-policy' ||
    change.kind === 'delete-application' ||
    change.kind === 'delete-certificate'
  );
}
