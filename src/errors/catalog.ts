/**
 * The one catalog of coded errors. Every diagnostic and every error a command
 * prints carries one of these codes; `rule` explains what the user must change.
 */
export const ErrorCatalog = {
  TG_YAML_SYNTAX: { severity: 'error', rule: 'The file must be valid YAML 1.2 (no tabs for indentation, no duplicate keys).' },
  TG_FILE_UNREADABLE: { severity: 'error', rule: 'Manifest paths must exist and be readable.' },
  TG_NO_MANIFESTS: { severity: 'error', rule: 'At least one .yaml/.yml manifest must be found under the given paths.' },
  TG_UNKNOWN_KIND: { severity: 'error', rule: 'apiVersion must be tollgate.dev/v1 and kind one of Environment, Api, Application.' },
  TG_SCHEMA: { severity: 'error', rule: 'The document must match the JSON Schema of its kind (schemas/).' },
  TG_DUPLICATE_NAME: { severity: 'error', rule: 'metadata.name must be unique per kind, and policy names unique within a chain.' },
  TG_UNKNOWN_ENVIRONMENT: { severity: 'error', rule: 'An Api may only be deployed to, or override, an Environment that is defined.' },
  TG_UNKNOWN_REFERENCE: { severity: 'error', rule: 'A contract must name a defined Api, one of its versions and, if given, one of its SLA tiers.' },
  TG_UNKNOWN_POLICY: { severity: 'error', rule: 'A per-environment policy override must name a policy of the Api.' },
  TG_BASE_PATH_OVERLAP: { severity: 'error', rule: 'Two APIs in one environment must not serve the same base path, nor one inside the other.' },
  TG_PRECEDENCE: { severity: 'error', rule: 'The fixed-precedence policies must lead the chain in their fixed order; other policies may not be placed above them.' },
  TG_AUTOMATED_CONFLICT: { severity: 'error', rule: 'A policy type applied at environment level (automated) cannot also be applied at API level.' },
  TG_REQUIREMENT_MISSING: { severity: 'error', rule: 'A policy that requires a characteristic needs another enabled policy in the same chain that provides it.' },
  TG_CHARACTERISTIC_CONFLICT: { severity: 'error', rule: 'Two policies in one chain must not provide the same exclusive characteristic unless rules scope both of them.' },
  TG_POLICY_CONFIG: { severity: 'error', rule: 'The policy configuration must be consistent with the policy reference.' },
  TG_CUSTOM_POLICY: { severity: 'error', rule: 'A custom policy must name a readable module and, if given, a readable JSON Schema that its config matches.' },
  TG_SLA_TIER: { severity: 'error', rule: 'rate-limiting-sla needs SLA tiers on the Api, and every contract of the Api needs a tier.' },
  TG_PLAINTEXT_SECRET: { severity: 'warning', rule: 'Secrets belong in references (${env:NAME}) or pre-hashed {salt, sha256}, not in clear text in git.' },
  TG_SECRET_UNRESOLVED: { severity: 'error', rule: 'Every ${env:NAME} reference must name a set environment variable when it is applied.' },
  TG_UNKNOWN_ENV_FILTER: { severity: 'error', rule: '--env must name an Environment defined in the manifests.' },
  TG_NO_NODES: { severity: 'warning', rule: 'An Environment without gateway nodes can be validated but not planned or applied.' },
  TG_EMPTY_ENVIRONMENT: { severity: 'warning', rule: 'An Environment that no Api is deployed to serves nothing.' },
  TG_USAGE: { severity: 'error', rule: 'The command line must name valid options and arguments (see --help).' },
  TG_ADMIN_AUTH: { severity: 'error', rule: 'Admin API calls need the bearer token of the node.' },
  TG_STALE_REVISION: { severity: 'error', rule: 'A transaction must name the revision the gateway currently serves; re-read and re-plan.' },
  TG_INVALID_STATE: { severity: 'error', rule: 'A state sent to the gateway must pass the same validation as the manifests.' },
  TG_COMPILE: { severity: 'error', rule: 'Every policy of a state must compile; the previous state keeps serving.' },
} as const satisfies Record<string, { severity: Severity; rule: string }>;

export type Severity = 'error' | 'warning';
export type ErrorCode = keyof typeof ErrorCatalog;

/** An error a command can catch and print; never carries secret values. */
export class TollgateError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'TollgateError';
    this.code = code;
    this.details = details;
  }
}
