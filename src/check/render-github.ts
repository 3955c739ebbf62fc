import path from 'node:path';
import { githubAnnotation, plural } from '../output/diagnostics.js';
import { totalsLine, testTotals } from '../policy-tests/render.js';
import { countBySeverity, describeFinding, reportDiagnostics } from './summary.js';
import type { CheckReport } from './types.js';

/** GitHub shows only so many annotations per step; the rest is in the job summary. */
const ANNOTATIONS_PER_SEVERITY = 10;

/**
 * At most 10 error and 10 warning annotations (`::error file=,line=,col=,title=::`),
 * a notice for what was left out, and a plain summary line.
 */
export function renderCheckGithub(report: CheckReport): string {
  // GitHub places annotations by path from the repository root.
  const all = reportDiagnostics(report).map((d) => ({
    ...d,
    message: describeFinding(d),
    ...(d.file === undefined ? {} : { file: path.posix.join(report.directory, d.file.split(path.sep).join('/')) }),
  }));
  const errors = all.filter((d) => d.severity === 'error');
  const warnings = all.filter((d) => d.severity === 'warning');
  const shown = [...errors.slice(0, ANNOTATIONS_PER_SEVERITY), ...warnings.slice(0, ANNOTATIONS_PER_SEVERITY)];
  let out = shown.map(githubAnnotation).join('');
  const leftOut = all.length - shown.length;
  if (leftOut > 0)
    out += `::notice title=tollgate check::${plural(leftOut, 'more finding')} not annotated: see the job summary or run tollgate check locally\n`;
  const counts = countBySeverity(all);
  const tests = report.testsRun ? `; policy tests: ${totalsLine(testTotals(report.tests))}` : '';
  return `${out}tollgate check: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}${tests}\n`;
}
