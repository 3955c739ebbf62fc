import { diagnostic, type Diagnostic } from '../errors/diagnostic.js';
import type { TestResult } from './types.js';

/** Test results as diagnostics (failed and invalid: errors; skipped: warnings), for annotations and `check`. */
export function testDiagnostics(results: readonly TestResult[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const r of results) {
    const name = testLabel(r);
    if (r.outcome === 'skipped') {
      out.push(
        diagnostic(
          'TG_TEST_SKIPPED',
          `${name} skipped: set ${r.missing?.join(', ')} to run it`,
          r.where,
          `spec.tests[${r.index}]`,
        ),
      );
    } else if (r.outcome === 'failed' || r.outcome === 'invalid') {
      const code = r.outcome === 'failed' ? 'TG_TEST_FAILED' : 'TG_TEST_INVALID';
      for (const p of r.problems) out.push(diagnostic(code, `${name}: ${p.message}`, p.where, p.path));
    }
  }
  return out;
}

/** `greetings › anonymous callers get 401 [local]` */
export function testLabel(r: Pick<TestResult, 'api' | 'test' | 'environment'>): string {
  return `${r.api} › ${r.test} [${r.environment}]`;
}
