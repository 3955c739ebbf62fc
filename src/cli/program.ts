import { Command } from 'commander';
import { VERSION } from '../version.js';
import { applySpec } from './apply.js';
import { checkSpec } from './check.js';
import { buildCommand, catalogOf, type CommandSpec, type Dispatch } from './command.js';
import { completionSpec } from './completion.js';
import { dumpSpec } from './dump.js';
import { gatewaySpec } from './gateway.js';
import { planSpec } from './plan.js';
import { quickstartSpec } from './quickstart.js';
import { reconcileSpec } from './reconcile.js';
import { replaySpec } from './replay.js';
import { statusSpec } from './status.js';
import { testSpec } from './test.js';
import { validateSpec } from './validate.js';

/** Every command, in the order --help lists them. */
export function commandSpecs(): CommandSpec[] {
  const specs: CommandSpec[] = [
    validateSpec,
    planSpec,
    applySpec,
    dumpSpec,
    reconcileSpec,
    statusSpec,
    testSpec,
    checkSpec,
    replaySpec,
    gatewaySpec,
    quickstartSpec,
  ];
  const all: CommandSpec[] = [...specs, completionSpec(() => all)];
  return all;
}

/** The CLI: each command built from its spec (command.ts); what a parsed command line becomes is `dispatch`'s. */
export function buildProgram(
  dispatch: Dispatch,
  env: NodeJS.ProcessEnv = process.env,
): { program: Command; specs: CommandSpec[] } {
  const specs = commandSpecs();
  const catalog = catalogOf(specs);
  const program = new Command('tollgate')
    .description('GitOps for API-gateway policies: validate manifests, plan and apply policy chains, run the gateway.')
    .version(VERSION)
    .showHelpAfterError();
  for (const spec of specs) program.addCommand(buildCommand(spec, dispatch, catalog, env));
  return { program, specs };
}
