import { writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestModule, TestSuite } from 'vitest/node';

/**
 * The counts behind the CI line `tests: N passed, N failed[, N skipped]`,
 * taken from what the runner really saw. A test counts as failed when it
 * failed, or when it should have run and did not (a beforeAll that threw, a
 * redis-server that could not start); every error outside a test counts as one
 * failure too (a hook, a file that did not load, an unhandled rejection).
 * Only tests marked skip or todo count as skipped.
 *
 * Written as JSON to the file named by TOLLGATE_TEST_SUMMARY (.ci/run sets it).
 */
export interface TestSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** One line per failure that is not a failed test's own assertion. */
  problems: string[];
}

export default class TestSummaryReporter implements Reporter {
  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    unhandledErrors: ReadonlyArray<{ message?: string; name?: string }>,
  ): void {
    const summary = summarize(testModules, unhandledErrors);
    const target = process.env.TOLLGATE_TEST_SUMMARY;
    if (target) writeFileSync(target, JSON.stringify(summary, null, 2) + '\n');
  }
}

export function summarize(
  testModules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<{ message?: string; name?: string }>,
): TestSummary {
  const summary: TestSummary = { passed: 0, failed: 0, skipped: 0, problems: [] };
  for (const module of testModules) {
    for (const test of module.children.allTests()) countTest(summary, test);
    for (const owner of [module, ...module.children.allSuites()]) countErrors(summary, owner);
  }
  for (const error of unhandledErrors) {
    summary.failed++;
    summary.problems.push(`unhandled error: ${error.name ?? 'Error'}: ${error.message ?? ''}`);
  }
  return summary;
}

function countTest(summary: TestSummary, test: TestCase): void {
  const { state } = test.result();
  if (state === 'passed') summary.passed++;
  else if (state === 'failed') summary.failed++;
  else if (state === 'skipped' && (test.options.mode === 'skip' || test.options.mode === 'todo')) summary.skipped++;
  else {
    summary.failed++;
    summary.problems.push(`did not run (${state}): ${test.module.relativeModuleId} > ${test.fullName}`);
  }
}

function countErrors(summary: TestSummary, owner: TestModule | TestSuite): void {
  for (const error of owner.errors()) {
    summary.failed++;
    const where =
      owner.type === 'module' ? owner.relativeModuleId : `${owner.module.relativeModuleId} > ${owner.fullName}`;
    summary.problems.push(`${where}: ${error.name ?? 'Error'}: ${error.message}`);
  }
}
