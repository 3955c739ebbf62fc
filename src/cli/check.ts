import { Command, InvalidArgumentError, Option } from 'commander';
import { renderCheckGithub } from '../check/render-github.js';
import { renderCheckJson } from '../check/render-json.js';
import { renderCheckMarkdown } from '../check/render-markdown.js';
import { renderCheckText } from '../check/render-text.js';
import { runCheck } from '../check/run-check.js';
import { appendStepSummary } from '../check/step-summary.js';
import { checkExitCode, type FailOn } from '../check/summary.js';
import { colorWanted, paint } from '../output/color.js';
import type { CommandResult } from './result.js';

interface CheckFlags {
  base: string;
  head?: string;
  output: 'text' | 'json' | 'github' | 'markdown';
  failOn: FailOn;
  rateLimitFactor: number;
  tests: boolean;
}

function factor(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 1) throw new InvalidArgumentError('must be a number greater than 1');
  return n;
}

export function checkCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('check')
    .description('Review a manifest change offline: validate the head, plan every environment from base to head, flag security downgrades and precedence changes, run the policy tests.')
    .argument('[paths...]', 'manifest files or folders', ['.'])
    .requiredOption('--base <ref>', 'the ref the change merges into (read from git, nothing is checked out)')
    .option('--head <ref>', 'the ref under review (default: the working tree)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'github', 'markdown']).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 on errors only, or on warnings too').choices(['error', 'warning']).default('error'))
    .option('--rate-limit-factor <n>', 'report a limit raised by this factor or more', factor, 2)
    .option('--no-tests', 'do not run the policy tests')
    .addHelpText(
      'after',
      '\nWith --output github: at most 10 error and 10 warning annotations, and the full report appended to $GITHUB_STEP_SUMMARY when it is set.\n\nExit codes: 0 clean, 1 errors (with --fail-on warning: warnings too).\n\nExamples:\n  $ tollgate check --base origin/main\n  $ tollgate check --base main --head feature/open-catalog --output markdown manifests/\n  $ tollgate check --base "$BASE_SHA" --output github --fail-on warning .',
    )
    .action((paths: string[], flags: CheckFlags) => run(runCheckCommand(paths, flags)));
}

async function runCheckCommand(paths: string[], flags: CheckFlags): Promise<CommandResult> {
  const report = await runCheck({ base: flags.base, ...(flags.head === undefined ? {} : { head: flags.head }), paths, rateLimitFactor: flags.rateLimitFactor, tests: flags.tests });
  const exitCode = checkExitCode(report, flags.failOn);
  switch (flags.output) {
    case 'json':
      return { stdout: renderCheckJson(report, flags.failOn), exitCode };
    case 'markdown':
      return { stdout: renderCheckMarkdown(report), exitCode };
    case 'github':
      await appendStepSummary(renderCheckMarkdown(report));
      return { stdout: renderCheckGithub(report), exitCode };
    default:
      return { stdout: renderCheckText(report, paint(colorWanted(process.stdout))), exitCode };
  }
}
