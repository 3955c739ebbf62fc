// Prints the CI line `tests: N passed, N failed[, N skipped]` from the summary
// scripts/test-summary-reporter.ts wrote, and exits non-zero on any failure.
//
//   node scripts/test-line.mjs <summary.json> <exit status of the test command>
//
// A test command that failed although every test passed (coverage under its
// floor, a crash after the last test) is one failure more: the line never reads
// green for a run that was not.
import { readFileSync } from 'node:fs';

const [file, statusArg] = process.argv.slice(2);
const status = Number(statusArg ?? 1);

let summary;
try {
  summary = JSON.parse(readFileSync(file, 'utf8'));
} catch {
  summary = { passed: 0, failed: 1, skipped: 0, problems: [`the test runner wrote no results (exit ${status})`] };
}
let { passed, failed, skipped } = summary;
const problems = [...summary.problems];
if (status !== 0 && failed === 0) {
  failed = 1;
  problems.push(`the test command exited with ${status} although no test failed (see its output above, e.g. coverage under its floor)`);
}
if (passed === 0 && failed === 0) {
  failed = 1;
  problems.push('no test ran');
}
for (const problem of problems) console.log(`failure: ${problem}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
