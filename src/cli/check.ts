import { renderCheckGithub } from '../check/render-github.js';
import { renderCheckJson } from '../check/render-json.js';
import { renderCheckMarkdown } from '../check/render-markdown.js';
import { renderCheckText } from '../check/render-text.js';
import { runCheck } from '../check/run-check.js';
import { appendStepSummary } from '../check/step-summary.js';
import { checkExitCode, reportDiagnostics, type FailOn } from '../check/summary.js';
import { applySeverities } from '../errors/severity.js';
import type { Selector } from '../labels/selector.js';
import { colorWanted, paint } from '../output/color.js';
import { renderSarif } from '../output/sarif.js';
import { recordFiles } from '../replay/record-files.js';
import type { CommandInput, CommandSpec } from './command.js';
import { OUTPUT, SELECTOR, WARNINGS_AS_ERRORS } from './options.js';
import type { CommandResult } from './result.js';
import { severityPolicy } from './shared-flags.js';

export const checkSpec: CommandSpec = {
  name: 'check',
  description:
    'Review a manifest change offline: validate the head, plan every environment from base to head, flag security downgrades and precedence changes, run the policy tests.',
  paths: 'manifest files or folders',
  options: [
    {
      long: 'base',
      value: '<ref>',
      kind: 'string',
      defaultNote: "the remote's default branch (origin/HEAD), else main or master",
      description: 'the ref the change merges into (read from git, nothing is checked out)',
    },
    {
      long: 'head',
      value: '<ref>',
      kind: 'string',
      defaultNote: 'the working tree',
      description: 'the ref under review',
    },
    OUTPUT(['text', 'json', 'github', 'markdown', 'sarif']),
    {
      long: 'fail-on',
      value: '<severity>',
      kind: 'choice',
      choices: ['error', 'warning'],
      default: 'error',
      description: 'exit 1 on errors only, or on warnings too',
    },
    {
      long: 'rate-limit-factor',
      value: '<n>',
      kind: 'factor',
      default: '2',
      description: 'report a limit raised by this factor or more',
    },
    { long: 'tests', kind: 'boolean', negatable: true, description: 'do not run the policy tests' },
    {
      long: 'replay',
      value: '<path>',
      kind: 'path',
      description:
        'also replay these access records (a file, or a folder of them) through the base and the head: requests the change would refuse or admit become findings',
    },
    {
      ...SELECTOR,
      description:
        'review only the Apis, Applications and Certificates whose labels match, on both sides (Kubernetes syntax)',
    },
    WARNINGS_AS_ERRORS,
  ],
  help: 'With --output github: at most 10 error and 10 warning annotations, and the full report appended to $GITHUB_STEP_SUMMARY when it is set.\nWith --output sarif: SARIF 2.1.0 for GitHub code scanning.\n\nExit codes: 0 clean, 1 errors (with --fail-on warning: warnings too).\n\nExamples:\n  $ tollgate check                      # base: origin/HEAD, head: the working tree\n  $ tollgate check --base main --head feature/open-catalog --output markdown manifests/\n  $ tollgate check --base "$BASE_SHA" --output github --fail-on warning .\n  $ tollgate check --base main --replay /var/log/tollgate/ manifests/',
  run: runCheckCommand,
};

interface CheckFlags {
  base?: string;
  head?: string;
  output: 'text' | 'json' | 'github' | 'markdown' | 'sarif';
  failOn: FailOn;
  rateLimitFactor: number;
  tests: boolean;
  selector?: Selector;
  replay?: string;
  warningsAsErrors: boolean;
  followExternalLinks: boolean;
}

async function runCheckCommand(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as CheckFlags;
  const report = await runCheck({
    ...(flags.base === undefined ? {} : { base: flags.base }),
    ...(flags.head === undefined ? {} : { head: flags.head }),
    ...(flags.selector ? { selector: flags.selector } : {}),
    paths: input.paths,
    rateLimitFactor: flags.rateLimitFactor,
    tests: flags.tests,
    followExternalLinks: flags.followExternalLinks,
    ...(flags.replay === undefined ? {} : { replay: await recordFiles(flags.replay) }),
  });
  const policy = severityPolicy(input);
  if (input.config.severity.size || flags.warningsAsErrors) {
    report.validation = applySeverities(report.validation, policy);
    report.findings = applySeverities(report.findings, policy);
    report.severity = { levels: Object.fromEntries(input.config.severity), warningsAsErrors: flags.warningsAsErrors };
  }
  const exitCode = checkExitCode(report, flags.failOn);
  switch (flags.output) {
    case 'json':
      return { stdout: renderCheckJson(report, flags.failOn), exitCode };
    case 'markdown':
      return { stdout: renderCheckMarkdown(report), exitCode };
    case 'sarif':
      return { stdout: renderSarif(reportDiagnostics(report), { base: report.directory }), exitCode };
    case 'github':
      await appendStepSummary(renderCheckMarkdown(report));
      return { stdout: renderCheckGithub(report), exitCode };
    default:
      return { stdout: renderCheckText(report, paint(colorWanted(process.stdout))), exitCode };
  }
}
