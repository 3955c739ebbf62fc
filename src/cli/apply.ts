import { createInterface } from 'node:readline/promises';
import { colorWanted, paint } from '../output/color.js';
import { renderPlansText, totals } from '../plan/render.js';
import {
  applyEnvironment,
  nodeTargets,
  planEnvironment,
  type NodeApplyResult,
} from '../reconcile/apply-environment.js';
import type { CommandInput, CommandSpec } from './command.js';
import { isResult, loadEnvironmentContext } from './environment-context.js';
import { ADOPT, ALLOW_EMPTY, ENV_REQUIRED, PRUNE, SELECTOR, WARNINGS_AS_ERRORS } from './options.js';
import type { CommandResult } from './result.js';
import { contextOptions, type PlanningFlags } from './shared-flags.js';

export const applySpec: CommandSpec = {
  name: 'apply',
  description: 'Plan, then apply the changes to every gateway node of an environment: one atomic transaction per node.',
  paths: 'manifest files or folders',
  options: [
    ENV_REQUIRED('apply'),
    PRUNE(),
    ALLOW_EMPTY,
    { long: 'yes', short: 'y', kind: 'boolean', default: 'false', description: 'do not ask for confirmation' },
    { long: 'concurrency', value: '<n>', kind: 'count', default: '8', description: 'nodes worked on at once' },
    SELECTOR,
    ADOPT,
    WARNINGS_AS_ERRORS,
  ],
  help: 'Exit codes: 0 every node converged, 1 any node did not (run apply again to converge it).\n\nExamples:\n  $ tollgate apply --env production --yes examples/multi-env\n  $ tollgate apply --env sandbox --prune .\n  $ tollgate apply --env production --selector team=payments --prune --yes .   # deletes only what team=payments applied',
  run: runApply,
};

interface ApplyFlags extends PlanningFlags {
  yes: boolean;
  concurrency: number;
}

async function runApply(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as ApplyFlags;
  const context = await loadEnvironmentContext(input.paths, flags.env, contextOptions(input));
  if (isResult(context)) return context;
  const p = paint(colorWanted(process.stdout));
  const options = {
    prune: flags.prune,
    allowEmpty: flags.allowEmpty,
    concurrency: flags.concurrency,
    adopt: flags.adopt,
    ...context.ownership,
  };
  if (!flags.yes) {
    const views = await planEnvironment(context.desired, nodeTargets(context.nodes), options);
    process.stdout.write(
      renderPlansText(
        views.map((v) => ({
          node: v.node,
          ...(v.plan ? { plan: v.plan } : {}),
          ...(v.error ? { error: v.error } : {}),
        })),
        p,
      ),
    );
    if (views.every((v) => v.plan && v.plan.changes.length === 0 && v.plan.errors.length === 0))
      return { stdout: 'nothing to apply.\n', exitCode: 0 };
    if (!process.stdin.isTTY)
      return {
        stderr: 'error TG_USAGE: not a terminal, so apply cannot ask for confirmation: pass --yes\n',
        exitCode: 1,
      };
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Apply to ${context.nodes.length} node(s) of ${flags.env}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) return { stdout: 'cancelled; nothing was applied.\n', exitCode: 1 };
  }
  const results = await applyEnvironment(context.desired, nodeTargets(context.nodes), {
    ...options,
    source: { kind: 'folder', revision: context.revision },
    onProgress: (r) => process.stderr.write(progressLine(r) + '\n'),
  });
  const failed = results.filter((r) => r.result === 'failed');
  const summary = results.map(
    (r) =>
      `  ${r.node}: ${r.result}${r.revision === undefined ? '' : ` (revision ${r.revision})`}${r.plan && r.result === 'applied' ? ` — ${totals(r.plan)}` : ''}${r.error ? ` — ${r.error}` : ''}`,
  );
  const head = failed.length
    ? p.red(`${failed.length} of ${results.length} node(s) did not converge; run apply again once they are reachable`)
    : p.green(`${results.length} node(s) converged`);
  return { stdout: [head, ...summary].join('\n') + '\n', exitCode: failed.length ? 1 : 0 };
}

function progressLine(r: NodeApplyResult): string {
  return `[${r.node}] ${r.result}${r.revision === undefined ? '' : ` @ revision ${r.revision}`} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`;
}
