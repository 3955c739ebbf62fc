import { sortDiagnostics, type Diagnostic } from '../errors/diagnostic.js';
import { testDiagnostics } from '../policy-tests/diagnostics.js';
import type { ErrorCode } from '../errors/catalog.js';
import { applySeverities, type SeverityLevel } from '../errors/severity.js';
import type { CheckReport, Finding } from './types.js';

export type FailOn = 'error' | 'warning';

/** Everything the report flags, as one sorted list: validation, findings, policy tests. */
export function reportDiagnostics(report: CheckReport): Finding[] {
  const tests = report.severity
    ? applySeverities(testDiagnostics(report.tests), {
        levels: report.severity.levels as Record<ErrorCode, SeverityLevel>,
        warningsAsErrors: report.severity.warningsAsErrors,
      })
    : testDiagnostics(report.tests);
  return sortDiagnostics([...report.validation, ...report.findings, ...tests]);
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): { errors: number; warnings: number } {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { errors, warnings: diagnostics.filter((d) => d.severity === 'warning').length };
}

/** 0 clean; 1 on errors, or on warnings too with --fail-on warning. */
export function checkExitCode(report: CheckReport, failOn: FailOn): number {
  const { errors, warnings } = countBySeverity(reportDiagnostics(report));
  return errors > 0 || (failOn === 'warning' && warnings > 0) ? 1 : 0;
}

/** The message with the environments a finding holds in. */
export function describeFinding(d: Finding): string {
  return d.environments?.length ? `${d.message} [${d.environments.join(', ')}]` : d.message;
}

export function describeSide(side: CheckReport['base']): string {
  return side.commit === undefined
    ? side.ref
    : side.ref === side.commit
      ? side.commit.slice(0, 12)
      : `${side.ref} (${side.commit.slice(0, 12)})`;
}
