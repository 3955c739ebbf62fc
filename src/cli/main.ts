import { TollgateError } from '../errors/catalog.js';
import type { CommandResult } from './result.js';
import { buildProgram } from './program.js';

let pending: Promise<CommandResult> | undefined;
const { program } = buildProgram((spec, input) => {
  pending = input.then((resolved) => spec.run(resolved));
});

/** The only place that writes a command's result and sets the exit code. */
async function main(): Promise<void> {
  await program.parseAsync(process.argv);
  if (!pending) return;
  try {
    const result = await pending;
    if (result.stdout) process.stdout.write(result.stdout);
    if (result.stderr) process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  } catch (err) {
    if (err instanceof TollgateError) {
      process.stderr.write(`error ${err.code}: ${err.message}\n`);
    } else {
      process.stderr.write(`error: ${(err as Error).message}\n`);
    }
    process.exitCode = 1;
  }
}

await main();
