import { ALERT_SYMBOL, alertChangeFields, alertTotals, describeAlertChange } from '../alerts/render.js';
import type { Painter } from '../output/color.js';
import { plural, severityLabel } from '../output/diagnostics.js';
import { changeFields, describeChange, formatValue, totals } from '../plan/render.js';
import { renderTestsText } from '../policy-tests/render.js';
import { renderReplayText } from '../replay/render.js';
import { countBySeverity, describeFinding, describeSide, reportDiagnostics } from './summary.js';
import type { CheckReport, EnvironmentPlan, Finding } from './types.js';

/** Plans beyond this many changes per environment are cut (the JSON output has them all). */
const SHOWN_CHANGES = 200;

const SYMBOL: Record<string, string> = {
  'create-api': '+',
  'add-policy': '+',
  'create-application': '+',
  'create-certificate': '+',
  'delete-api': '-',
  'remove-policy': '-',
  'delete-application': '-',
  'delete-certificate': '-',
  'reorder-chain': '↕',
};

export function planTotals(plan: EnvironmentPlan): string {
  if (plan.status === 'removed') return 'removed at the head: nothing of it is planned';
  if (plan.changes.length === 0 && plan.alerts.length === 0) return 'no changes';
  const parts = [
    ...(plan.changes.length
      ? [totals({ environment: plan.environment, changes: plan.changes, skipped: [], errors: [] })]
      : []),
    ...(plan.alerts.length ? [alertTotals(plan.alerts)] : []),
  ];
  return `${plan.status === 'added' ? 'new environment: ' : ''}${parts.join('; ')}`;
}

export function renderCheckText(report: CheckReport, p: Painter): string {
  const lines: string[] = [];
  lines.push(p.bold(`tollgate check: ${describeSide(report.base)} → ${describeSide(report.head)}`));
  lines.push(
    report.changedFiles.length
      ? `${plural(report.changedFiles.length, 'manifest file')} changed: ${report.changedFiles.join(', ')}`
      : 'no manifest file changed',
  );

  lines.push('', p.bold('Validation of the head'));
  if (report.validation.length === 0) lines.push(p.green('  valid'));
  for (const d of report.validation) lines.push(...diagnosticLines(d, p));

  lines.push('', p.bold('Findings'));
  if (report.findings.length === 0) lines.push(p.green('  nothing weakens security or precedence'));
  for (const d of report.findings) lines.push(...diagnosticLines(d, p));

  lines.push('', p.bold('Plans (desired state at the base → at the head)'));
  if (report.plans.length === 0) lines.push(p.dim('  not computed: the head does not load'));
  for (const plan of report.plans) {
    lines.push(`  ${p.bold(plan.environment)}: ${planTotals(plan)}`);
    for (const c of plan.changes.slice(0, SHOWN_CHANGES)) {
      const symbol = SYMBOL[c.kind] ?? '~';
      const paint = symbol === '+' ? p.green : symbol === '-' ? p.red : p.yellow;
      lines.push(paint(`    ${symbol} ${describeChange(c)}`));
      for (const f of changeFields(c))
        lines.push(`        ${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`);
    }
    if (plan.changes.length > SHOWN_CHANGES)
      lines.push(p.dim(`    … and ${plan.changes.length - SHOWN_CHANGES} more changes (--output json lists them all)`));
    for (const c of plan.alerts) {
      const symbol = ALERT_SYMBOL[c.kind];
      lines.push(
        (symbol === '+' ? p.green : symbol === '-' ? p.red : p.yellow)(`    ${symbol} ${describeAlertChange(c)}`),
      );
      for (const f of alertChangeFields(c))
        lines.push(`        ${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`);
    }
  }

  if (report.testsRun) {
    lines.push('', p.bold('Policy tests'));
    lines.push(
      ...renderTestsText(report.tests, p)
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  for (const { environment, report: replayed } of report.replay ?? []) {
    lines.push('', p.bold(`Replay of recorded traffic: ${environment}`));
    lines.push(
      ...renderReplayText(replayed, p)
        .trimEnd()
        .split('\n')
        .slice(1)
        .map((l) => `  ${l}`),
    );
  }
  const { errors, warnings } = countBySeverity(reportDiagnostics(report));
  const result = `Result: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  lines.push('', errors ? p.red(result) : warnings ? p.yellow(result) : p.green(result));
  return lines.join('\n') + '\n';
}

function diagnosticLines(d: Finding, p: Painter): string[] {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.col}` : ''}: ` : '';
  const label = severityLabel(d.severity, p);
  return [`  ${where}${label} ${p.dim(d.code)} ${describeFinding(d)}`, p.dim(`      rule: ${d.rule}`)];
}
