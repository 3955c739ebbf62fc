import { githubAnnotation, plural } from '../output/diagnostics.js';
import type { Painter } from '../output/color.js';
import { testDiagnostics, testLabel } from './diagnostics.js';
import type { TestResult } from './types.js';

export interface TestTotals {
  passed: number;
  failed: number;
  skipped: number;
}

export function testTotals(results: readonly TestResult[]): TestTotals {
  const count = (...outcomes: TestResult['outcome'][]) => results.filter((r) => outcomes.includes(r.outcome)).length;
  return { passed: count('passed'), failed: count('failed', 'invalid'), skipped: count('skipped') };
}

/** `N passed, N failed, N skipped`: the closing line CI runners read. */
export function totalsLine(totals: TestTotals): string {
  return `${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`;
}

const where = (r: { where: { file: string; line: number; col: number } }) =>
  `${r.where.file}:${r.where.line}:${r.where.col}`;

export function renderTestsText(results: readonly TestResult[], p: Painter): string {
  const lines: string[] = [];
  for (const r of results) {
    if (r.outcome === 'passed')
      lines.push(`${p.green('PASS')} ${testLabel(r)} ${p.dim(`${where(r)}, ${plural(r.requests, 'request')}`)}`);
    else if (r.outcome === 'skipped')
      lines.push(`${p.yellow('SKIP')} ${testLabel(r)} ${p.dim(where(r))}: set ${r.missing?.join(', ')} to run it`);
    else {
      lines.push(`${p.red(r.outcome === 'failed' ? 'FAIL' : 'BAD ')} ${testLabel(r)} ${p.dim(where(r))}`);
      for (const problem of r.problems) lines.push(`     ${problem.message} ${p.dim(`(${where(problem)})`)}`);
    }
  }
  if (results.length === 0) lines.push('no policy tests found (add `tests:` to an Api)');
  const totals = testTotals(results);
  const line = `tests: ${totalsLine(totals)}`;
  lines.push(totals.failed ? p.red(line) : p.green(line));
  return lines.join('\n') + '\n';
}

export function renderTestsJson(results: readonly TestResult[]): string {
  return JSON.stringify({ results, totals: testTotals(results) }, null, 2) + '\n';
}

/** One annotation per failed, invalid or skipped test, then the totals line. */
export function renderTestsGithub(results: readonly TestResult[]): string {
  return testDiagnostics(results).map(githubAnnotation).join('') + `tests: ${totalsLine(testTotals(results))}\n`;
}
