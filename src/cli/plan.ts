import { Command, Option } from 'commander';
import { alertView, environmentAlerts } from '../alerts/compare.js';
import { describeAlert } from '../alerts/render.js';
import { colorWanted, paint } from '../output/color.js';
import { renderPlansMarkdown, renderPlansText } from '../plan/render.js';
import { nodeTargets, planEnvironment } from '../reconcile/apply-environment.js';
import { isResult, loadEnvironmentContext } from './environment-context.js';
import type { CommandResult } from './result.js';

interface PlanFlags {
  env: string;
  output: 'text' | 'json' | 'markdown';
  prune: boolean;
  allowEmpty: boolean;
}

export function planCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('plan')
    .description("Show what apply would change on every gateway node of an environment (reads the nodes' live state).")
    .argument('[paths...]', 'manifest files or folders', ['.'])
    .requiredOption('-e, --env <name>', 'environment to plan')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .option('--prune', 'include deletions of what the manifests no longer have', false)
    .option('--allow-empty', 'with --prune: allow deleting every API', false)
    .addHelpText('after', '\nExit codes: 0 no changes, 2 changes, 1 error (invalid manifests, unreachable node, refused plan).\n\nExamples:\n  $ tollgate plan --env production examples/multi-env\n  $ tollgate plan --env sandbox --prune --output markdown .')
    .action((paths: string[], flags: PlanFlags) => run(runPlan(paths, flags)));
}

async function runPlan(paths: string[], flags: PlanFlags): Promise<CommandResult> {
  const context = await loadEnvironmentContext(paths, flags.env);
  if (isResult(context)) return context;
  const views = await planEnvironment(context.desired, nodeTargets(context.nodes), { prune: flags.prune, allowEmpty: flags.allowEmpty });
  const failed = views.some((v) => v.error || v.plan?.errors.length);
  const changed = views.some((v) => (v.plan?.changes.length ?? 0) > 0);
  const shown = views.map((v) => ({ node: v.node, ...(v.live ? { revision: v.live.revision } : {}), ...(v.plan ? { plan: v.plan } : {}), ...(v.error ? { error: v.error } : {}) }));
  // Alerts are the reconciler's, not the nodes': shown as the manifests define them.
  const alerts = [...environmentAlerts(context.manifests, flags.env)].map(([name, alert]) => ({ name, ...alertView(alert.spec) }));
  const described = alerts.map(({ name, ...view }) => describeAlert(name, view));
  let stdout: string;
  if (flags.output === 'json') stdout = JSON.stringify({ environment: flags.env, nodes: shown, alerts }, null, 2) + '\n';
  else if (flags.output === 'markdown') stdout = renderPlansMarkdown(shown) + (described.length ? `\n**Alerts** (evaluated by the reconciler):\n\n${described.map((d) => `- ${d}\n`).join('')}` : '');
  else stdout = renderPlansText(shown, paint(colorWanted(process.stdout))) + (described.length ? `Alerts the reconciler evaluates for ${flags.env}:\n${described.map((d) => `  ${d}\n`).join('')}` : '');
  return { stdout, exitCode: failed ? 1 : changed ? 2 : 0 };
}
