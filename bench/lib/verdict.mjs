// Targets a benchmark judges. Each verdict prints "met" or "MISSED"; a script that printed
// MISSED exits 1 (finishVerdicts), so a run that misses a target cannot pass for one that met it.
const missed = [];

/** "met" or "MISSED" for `what`, remembered for finishVerdicts(). */
export function verdict(what, ok) {
  if (!ok) missed.push(what);
  return ok ? 'met' : 'MISSED';
}

/** Prints the targets missed, if any, and sets the exit code to 1 for them. */
export function finishVerdicts() {
  if (missed.length === 0) return;
  console.log(`\nMISSED ${missed.length} target(s): ${missed.join('; ')}`);
  process.exitCode = 1;
}
