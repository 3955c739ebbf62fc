// Every CLI process a test spawns inherits this and writes its V8 coverage
// there (see scripts/coverage-provider.ts); the test worker itself, already
// running, is not affected.
const dir = process.env.TOLLGATE_CHILD_COVERAGE_DIR;
if (dir) process.env.NODE_V8_COVERAGE = dir;
