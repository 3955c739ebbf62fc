import { alertView, environmentAlerts } from '../alerts/compare.js';
import { describeAlert } from '../alerts/render.js';
import { colorWanted, paint } from '../output/color.js';
import { renderPlansMarkdown, renderPlansText } from '../plan/render.js';
import { nodeTargets, planEnvironment } from '../reconcile/apply-environment.js';
import type { CommandInput, CommandSpec } from './command.js';
import { isResult, loadEnvironmentContext } from './environment-context.js';
import { ADOPT, ALLOW_EMPTY, ENV_REQUIRED, OUTPUT, PRUNE, SELECTOR, WARNINGS_AS_ERRORS } from './options.js';
import type { CommandResult } from './result.js';
import { contextOptions, type PlanningFlags } from './shared-flags.js';

export const planSpec: CommandSpec = {
  name: 'plan',
  description: "Show what apply would change on every gateway node of an environment (reads the nodes' live state).",
  paths: 'manifest files or folders',
  options: [
    ENV_REQUIRED('plan'),
    OUTPUT(['text', 'json', 'markdown']),
    PRUNE('include deletions of what the manifests no longer have'),
    ALLOW_EMPTY,
    SELECTOR,
    ADOPT,
    WARNINGS_AS_ERRORS,
  ],
  help: 'Exit codes: 0 no changes, 2 changes, 1 error (invalid manifests, unreachable node, refused plan).\n\nExamples:\n  $ tollgate plan --env production examples/multi-env\n  $ tollgate plan --env sandbox --prune --output markdown .\n  $ tollgate plan --env production --selector team=payments --prune .',
  run: runPlan,
};

interface PlanFlags extends PlanningFlags {
  output: 'text' | 'json' | 'markdown';
}

async function runPlan(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as PlanFlags;
  const context = await loadEnvironmentContext(input.paths, flags.env, contextOptions(input));
  if (isResult(context)) return context;
  const views = await planEnvironment(context.desired, nodeTargets(context.nodes), {
    prune: flags.prune,
    allowEmpty: flags.allowEmpty,
    adopt: flags.adopt,
    ...context.ownership,
  });
  const failed = views.some((v) => v.error || v.plan?.errors.length);
  const changed = views.some((v) => (v.plan?.changes.length ?? 0) > 0);
  const shown = views.map((v) => ({
    node: v.node,
    ...(v.live ? { revision: v.live.revision } : {}),
    ...(v.plan ? { plan: v.plan } : {}),
    ...(v.error ? { error: v.error } : {}),
  }));
  // Alerts are the reconciler's, not the nodes': shown as the manifests define them.
  const alerts = [...environmentAlerts(context.manifests, flags.env)].map(([name, alert]) => ({
    name,
    ...alertView(alert.spec),
  }));
  const described = alerts.map(({ name, ...view }) => describeAlert(name, view));
  let stdout: string;
  const owner = context.ownership.owner ? { owner: context.ownership.owner } : {};
  if (flags.output === 'json')
    stdout = JSON.stringify({ environment: flags.env, ...owner, nodes: shown, alerts }, null, 2) + '\n';
  else if (flags.output === 'markdown')
    stdout =
      renderPlansMarkdown(shown) +
      (described.length
        ? `\n**Alerts** (evaluated by the reconciler):\n\n${described.map((d) => `- ${d}\n`).join('')}`
        : '');
  else
    stdout =
      renderPlansText(shown, paint(colorWanted(process.stdout))) +
      (described.length
        ? `Alerts the reconciler evaluates for ${flags.env}:\n${described.map((d) => `  ${d}\n`).join('')}`
        : '');
  return { stdout, exitCode: failed ? 1 : changed ? 2 : 0 };
}
