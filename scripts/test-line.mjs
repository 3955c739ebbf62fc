// Prints the CI line `tests: N passed, N failed[, N skipped]` from the summary
// scripts/test-summary-reporter.ts wrote, and exits non-zero on any failure.
//
//   node scripts/test-line.mjs [--check <name> <exit status> ...] <summary.json> <exit status of the test command> [<summary.json> <status> ...]
//
// A check (`--check lint 1`: npm run lint) that exited non-zero is one failure;
// one that passed adds nothing (it is not a test).
// Several runs (the suite on two Node.js versions) add up to one line.
// A test command that failed although every test passed (coverage under its
// floor, a crash after the last test) is one failure more: the line never reads
// green for a run that was not.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const problems = [];
while (args[0] === '--check') {
  const [, name, status] = args.splice(0, 3);
  if (Number(status ?? 1) !== 0) {
    failed++;
    problems.push(`${name} failed (exit ${status}; see its output above)`);
  }
}
for (let i = 0; i < args.length; i += 2) {
  const file = args[i];
  const status = Number(args[i + 1] ?? 1);
  let summary;
  try {
    summary = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    summary = { passed: 0, failed: 1, skipped: 0, problems: [`the test runner wrote no results (exit ${status})`] };
  }
  let runFailed = summary.failed;
  problems.push(...summary.problems);
  if (status !== 0 && runFailed === 0) {
    runFailed = 1;
    problems.push(
      `the test command exited with ${status} although no test failed (see its output above, e.g. coverage under its floor)`,
    );
  }
  if (summary.passed === 0 && runFailed === 0) {
    runFailed = 1;
    problems.push('no test ran');
  }
  passed += summary.passed;
  failed += runFailed;
  skipped += summary.skipped;
}
for (const problem of problems) console.log(`failure: ${problem}`);
console.log(`tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exitCode = failed > 0 ? 1 : 0;
