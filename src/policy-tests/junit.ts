import { testLabel } from './diagnostics.js';
import { testTotals } from './render.js';
import type { TestResult } from './types.js';

/** XML text and attribute values, escaped; characters XML 1.0 cannot hold are dropped. */
function xml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);
const where = (w: { file: string; line: number; col: number }) => `${w.file}:${w.line}:${w.col}`;

/**
 * Policy-test results as JUnit XML, the form GitLab (artifacts:reports:junit),
 * Jenkins and GitHub test reporters read: one <testsuite> per Api (its
 * manifest as `file`), one <testcase> per test and environment, <failure> for
 * a failed expectation, <error> for an invalid test, <skipped> for one that
 * needs an unset secret. Positions are in the messages (file:line:col). Only
 * the attributes of the Jenkins/Surefire schema are written.
 */
export function renderTestsJunit(results: readonly TestResult[]): string {
  const byApi = new Map<string, TestResult[]>();
  for (const r of results) byApi.set(r.api, [...(byApi.get(r.api) ?? []), r]);
  const totals = testTotals(results);
  const errors = results.filter((r) => r.outcome === 'invalid').length;
  const time = results.reduce((sum, r) => sum + r.durationMs, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="tollgate policy tests" tests="${results.length}" failures="${totals.failed - errors}" errors="${errors}" time="${seconds(time)}">`,
  ];
  for (const [api, cases] of [...byApi].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const t = testTotals(cases);
    const invalid = cases.filter((r) => r.outcome === 'invalid').length;
    const file = cases[0]?.where.file ?? '';
    lines.push(
      `  <testsuite name="${xml(api)}" tests="${cases.length}" failures="${t.failed - invalid}" errors="${invalid}" skipped="${t.skipped}" time="${seconds(cases.reduce((s, r) => s + r.durationMs, 0))}" file="${xml(file)}">`,
    );
    for (const r of cases) {
      const open = `    <testcase name="${xml(`${r.test} [${r.environment}]`)}" classname="${xml(`tollgate.${api}`)}" time="${seconds(r.durationMs)}"`;
      if (r.outcome === 'passed') {
        lines.push(`${open}/>`);
        continue;
      }
      lines.push(`${open}>`);
      if (r.outcome === 'skipped')
        lines.push(`      <skipped message="${xml(`set ${r.missing?.join(', ') ?? ''} to run it`)}"/>`);
      else {
        const element = r.outcome === 'failed' ? 'failure' : 'error';
        const code = r.outcome === 'failed' ? 'TG_TEST_FAILED' : 'TG_TEST_INVALID';
        const first = r.problems[0];
        const body = r.problems.map((p) => `${where(p.where)}: ${p.message} (${p.path})`).join('\n');
        lines.push(
          `      <${element} type="${code}" message="${xml(first ? first.message : testLabel(r))}">${xml(`${testLabel(r)} at ${where(r.where)}\n${body}`)}</${element}>`,
        );
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
