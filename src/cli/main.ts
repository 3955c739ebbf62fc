import { Command } from 'commander';
import { TollgateError } from '../errors/catalog.js';
import type { CommandResult } from './result.js';
import { applyCommand } from './apply.js';
import { checkCommand } from './check.js';
import { dumpCommand } from './dump.js';
import { gatewayCommand } from './gateway.js';
import { planCommand } from './plan.js';
import { quickstartCommand } from './quickstart.js';
import { reconcileCommand } from './reconcile.js';
import { statusCommand } from './status.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

const program = new Command('tollgate')
  .description('GitOps for API-gateway policies: validate manifests, plan and apply policy chains, run the gateway.')
  .version('0.1.0')
  .showHelpAfterError();

let pending: Promise<CommandResult> | undefined;
const run = (result: Promise<CommandResult>) => {
  pending = result;
};

program.addCommand(validateCommand(run));
program.addCommand(planCommand(run));
program.addCommand(applyCommand(run));
program.addCommand(dumpCommand(run));
program.addCommand(reconcileCommand(run));
program.addCommand(statusCommand(run));
program.addCommand(testCommand(run));
program.addCommand(checkCommand(run));
program.addCommand(gatewayCommand(run));
program.addCommand(quickstartCommand(run));

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
