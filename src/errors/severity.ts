import { ErrorCatalog, type ErrorCode, type Severity } from './catalog.js';
import type { Diagnostic } from './diagnostic.js';

/** A severity chosen in the config file for a code: error, warning, or off (not reported). */
export type SeverityLevel = Severity | 'off';

/** The config file's severities and --warnings-as-errors, as validate, check, plan, apply and test honour them. */
export interface SeverityPolicy {
  levels?: ReadonlyMap<ErrorCode, SeverityLevel> | Readonly<Partial<Record<ErrorCode, SeverityLevel>>>;
  warningsAsErrors?: boolean;
}

/** What `tollgate check` finds in a change (and the policy tests it runs): a review's opinion, any level may be chosen. */
const REVIEW_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'TG_BASE_UNREADABLE',
  'TG_CHAIN_REORDERED',
  'TG_REORDER_FORBIDDEN',
  'TG_PRECEDENCE_RELAXED',
  'TG_ENV_POLICY_CONFLICT',
  'TG_AUTH_REMOVED',
  'TG_AUTH_WEAKENED',
  'TG_IP_ALLOWLIST_OPENED',
  'TG_IP_ALLOWLIST_WIDENED',
  'TG_RATE_LIMIT_LOOSENED',
  'TG_CORS_OPENED',
  'TG_CORS_OPEN_WITH_CREDENTIALS',
  'TG_THREAT_PROTECTION_LOOSENED',
  'TG_SECRET_ADDED',
  'TG_TEST_FAILED',
  'TG_TEST_SKIPPED',
  'TG_TEST_INVALID',
  'TG_TLS_REMOVED',
  'TG_TLS_WEAKENED',
  'TG_UPSTREAM_TLS_UNVERIFIED',
  'TG_UPSTREAM_TLS_REMOVED',
]);

/**
 * Whether a code's severity may be set to `level`. Anything may be raised to
 * an error. Warnings, notices and review findings may also be lowered or
 * turned off; an error of validation may not: it is what the gateway refuses
 * too (a lowered TG_SCHEMA would let plan and apply go on without the
 * documents that failed, and prune what they hold).
 */
export function severityAllowed(code: ErrorCode, level: SeverityLevel): boolean {
  return level === 'error' || ErrorCatalog[code].severity !== 'error' || REVIEW_CODES.has(code);
}

function levelOf(policy: SeverityPolicy, code: ErrorCode): SeverityLevel | undefined {
  const levels = policy.levels;
  if (!levels) return undefined;
  return levels instanceof Map ? levels.get(code) : (levels as Partial<Record<ErrorCode, SeverityLevel>>)[code];
}

/** The diagnostics with the policy's severities: some dropped (off), some raised or lowered; the order is kept. */
export function applySeverities<D extends Diagnostic>(
  diagnostics: readonly D[],
  policy: SeverityPolicy | undefined,
): D[] {
  if (!policy || (!policy.warningsAsErrors && !policy.levels)) return [...diagnostics];
  const out: D[] = [];
  for (const d of diagnostics) {
    let severity: SeverityLevel = levelOf(policy, d.code) ?? d.severity;
    if (severity === 'off') continue;
    if (policy.warningsAsErrors && severity === 'warning') severity = 'error';
    out.push(severity === d.severity ? d : { ...d, severity });
  }
  return out;
}

export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');
