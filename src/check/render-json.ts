import { testTotals } from '../policy-tests/render.js';
import type { FailOn } from './summary.js';
import { checkExitCode, countBySeverity, reportDiagnostics } from './summary.js';
import type { CheckReport } from './types.js';

export function renderCheckJson(report: CheckReport, failOn: FailOn): string {
  const { tests, testsRun, ...rest } = report;
  return (
    JSON.stringify(
      {
        ...rest,
        valid: !report.validation.some((d) => d.severity === 'error'),
        tests: { run: testsRun, totals: testTotals(tests), results: tests },
        summary: countBySeverity(reportDiagnostics(report)),
        exitCode: checkExitCode(report, failOn),
      },
      null,
      2,
    ) + '\n'
  );
}
