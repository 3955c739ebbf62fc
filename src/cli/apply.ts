import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { colorWanted, paint } from '../output/color.js';
import { renderPlansText, totals } from '../plan/render.js';
import { applyEnvironment, nodeTargets, planEnvironment, type NodeApplyResult } from '../reconcile/apply-environment.js';
import { isResult, loadEnvironmentContext } from './environment-context.js';
import type { CommandResult } from './result.js';

interface ApplyFlags {
  env: string;
  prune: boolean;
  allowEmpty: boolean;
  yes: boolean;
  concurrency: number;
}

export function applyCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('apply')
    .description('Plan, then apply the changes to every gateway node of an environment: one atomic transaction per node.')
    .argument('[paths...]', 'manifest files or folders', ['.'])
    .requiredOption('-e, --env <name>', 'environment to apply')
    .option('--prune', 'delete APIs, policies and applications the manifests no longer have', false)
    .option('--allow-empty', 'with --prune: allow deleting every API', false)
    .option('-y, --yes', 'do not ask for confirmation', false)
    .option('--concurrency <n>', 'nodes worked on at once', (v) => Math.max(1, Number.parseInt(v, 10) || 1), 8)
    .addHelpText('after', '\nExit codes: 0 every node converged, 1 any node did not (run apply again to converge it).\n\nExamples:\n  $ tollgate apply --env production --yes examples/multi-env\n  $ tollgate apply --env sandbox --prune .')
    .action((paths: string[], flags: ApplyFlags) => run(runApply(paths, flags)));
}

async function runApply(paths: string[], flags: ApplyFlags): Promise<CommandResult> {
  const context = await loadEnvironmentContext(paths, flags.env);
  if (isResult(context)) return context;
  const p = paint(colorWanted(process.stdout));
  const options = { prune: flags.prune, allowEmpty: flags.allowEmpty, concurrency: flags.concurrency };
  if (!flags.yes) {
    const views = await planEnvironment(context.desired, nodeTargets(context.nodes), options);
    process.stdout.write(renderPlansText(views.map((v) => ({ node: v.node, ...(v.plan ? { plan: v.plan } : {}), ...(v.error ? { error: v.error } : {}) })), p));
    if (views.every((v) => v.plan && v.plan.changes.length === 0 && v.plan.errors.length === 0)) return { stdout: 'nothing to apply.\n', exitCode: 0 };
    if (!process.stdin.isTTY) return { stderr: 'error TG_USAGE: not a terminal, so apply cannot ask for confirmation: pass --yes\n', exitCode: 1 };
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
  const summary = results.map((r) => `  ${r.node}: ${r.result}${r.revision === undefined ? '' : ` (revision ${r.revision})`}${r.plan && r.result === 'applied' ? ` — ${totals(r.plan)}` : ''}${r.error ? ` — ${r.error}` : ''}`);
  const head = failed.length ? p.red(`${failed.length} of ${results.length} node(s) did not converge; run apply again once they are reachable`) : p.green(`${results.length} node(s) converged`);
  return { stdout: [head, ...summary].join('\n') + '\n', exitCode: failed.length ? 1 : 0 };
}

function progressLine(r: NodeApplyResult): string {
  return `[${r.node}] ${r.result}${r.revision === undefined ? '' : ` @ revision ${r.revision}`} in ${r.durationMs} ms${r.error ? `: ${r.error}` : ''}`;
}
