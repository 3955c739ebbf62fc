import { alertChangeFields, describeAlertChange } from '../alerts/render.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { plural } from '../output/diagnostics.js';
import { changeFields, describeChange, formatValue } from '../plan/render.js';
import type { FieldChange } from '../plan/types.js';
import { testLabel } from '../policy-tests/diagnostics.js';
import { testTotals, totalsLine } from '../policy-tests/render.js';
import type { TestResult } from '../policy-tests/types.js';
import { renderReplayMarkdown } from '../replay/render.js';
import { planTotals } from './render-text.js';
import { countBySeverity, describeFinding, describeSide, reportDiagnostics } from './summary.js';
import type { CheckReport, EnvironmentPlan, Finding } from './types.js';
import { tableCell } from '../output/markdown.js';

/** Rows per table: a PR comment holds 65,536 characters, a job summary 1 MiB. */
const SHOWN_ROWS = 100;

/** The report for a pull-request comment or a job summary. */
export function renderCheckMarkdown(report: CheckReport): string {
  const { errors, warnings } = countBySeverity(reportDiagnostics(report));
  const icon = errors ? '❌' : warnings ? '⚠️' : '✅';
  const lines: string[] = [`## ${icon} tollgate check: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`, ''];
  const facts = [
    `base \`${describeSide(report.base)}\` → head \`${describeSide(report.head)}\``,
    plural(report.changedFiles.length, 'manifest file') + ' changed',
  ];
  if (report.testsRun) facts.push(`policy tests: ${totalsLine(testTotals(report.tests))}`);
  lines.push(facts.join(' · '), '');

  if (report.findings.length) lines.push('### Findings', '', ...diagnosticTable(report.findings), '');
  if (report.validation.length) lines.push('### Validation of the head', '', ...diagnosticTable(report.validation), '');
  if (!report.findings.length && !report.validation.length)
    lines.push('Valid, and nothing weakens security or precedence.', '');

  lines.push('### Plans', '');
  if (report.plans.length === 0) lines.push('Not computed: the head does not load.', '');
  for (const plan of report.plans) lines.push(...planSection(plan));

  if (report.testsRun) lines.push('### Policy tests', '', ...testTable(report.tests), '');
  for (const { environment, report: replayed } of report.replay ?? [])
    lines.push(renderReplayMarkdown(replayed, environment));
  return lines.join('\n');
}

function diagnosticTable(diagnostics: readonly Finding[]): string[] {
  const rows = diagnostics
    .slice(0, SHOWN_ROWS)
    .map(
      (d) =>
        `| ${d.severity === 'error' ? '❌ error' : d.severity === 'warning' ? '⚠️ warning' : 'ℹ️ notice'} | ${d.file ? `\`${location(d)}\`` : ''} | \`${d.code}\` | ${tableCell(describeFinding(d))} |`,
    );
  const more = diagnostics.length - SHOWN_ROWS;
  return [
    '| | where | code | finding |',
    '|---|---|---|---|',
    ...rows,
    ...(more > 0 ? [`| | | | … and ${more} more |`] : []),
  ];
}

function planSection(plan: EnvironmentPlan): string[] {
  const summary = `<b>${plan.environment}</b>: ${tableCell(planTotals(plan))}`;
  if (plan.changes.length === 0 && plan.alerts.length === 0) return [`- ${summary}`, ''];
  const row = (description: string, fields: FieldChange[]) =>
    `| ${tableCell(description)} | ${fields.map((f) => `\`${tableCell(f.path)}\`: ${tableCell(formatValue(f.before))} → ${tableCell(formatValue(f.after))}`).join('<br>')} |`;
  const rows = plan.changes.slice(0, SHOWN_ROWS).map((c) => row(describeChange(c), changeFields(c)));
  rows.push(...plan.alerts.map((c) => row(describeAlertChange(c), alertChangeFields(c))));
  const more = plan.changes.length - SHOWN_ROWS;
  return [
    '<details><summary>' + summary + '</summary>',
    '',
    '| change | details |',
    '|---|---|',
    ...rows,
    ...(more > 0 ? [`| … and ${more} more changes | |`] : []),
    '',
    '</details>',
    '',
  ];
}

function testTable(results: readonly TestResult[]): string[] {
  if (results.length === 0) return ['No policy tests (add `tests:` to an Api).'];
  const notPassed = results.filter((r) => r.outcome !== 'passed');
  const rows = notPassed.slice(0, SHOWN_ROWS).map((r) => {
    const icon = r.outcome === 'skipped' ? '⏭️ skipped' : r.outcome === 'failed' ? '❌ failed' : '❌ invalid';
    const why =
      r.outcome === 'skipped'
        ? `set ${r.missing?.join(', ')} to run it`
        : r.problems.map((p) => `${tableCell(p.message)} (\`${location(p.where)}\`)`).join('<br>');
    return `| ${icon} | ${tableCell(testLabel(r))} | \`${location(r.where)}\` | ${why} |`;
  });
  const passed = results.length - notPassed.length;
  return [
    `${plural(passed, 'test')} passed.`,
    ...(rows.length ? ['', '| | test | where | why |', '|---|---|---|---|', ...rows] : []),
  ];
}

function location(d: Pick<Diagnostic, 'file' | 'line' | 'col'>): string {
  return `${d.file}${d.line ? `:${d.line}:${d.col}` : ''}`;
}
