import { colorWanted, paint } from '../output/color.js';
import { renderDiagnostics } from '../output/diagnostics.js';
import { applySeverities, hasErrors } from '../errors/severity.js';
import { renderTestsJunit } from '../policy-tests/junit.js';
import { renderTestsGithub, renderTestsJson, renderTestsText, testTotals } from '../policy-tests/render.js';
import { runPolicyTests } from '../policy-tests/run-tests.js';
import type { Selector } from '../labels/selector.js';
import { validatePaths } from '../validate/index.js';
import type { CommandInput, CommandSpec } from './command.js';
import { ENV_FILTER, OUTPUT, SELECTOR } from './options.js';
import type { CommandResult } from './result.js';
import { severityPolicy } from './shared-flags.js';

export const testSpec: CommandSpec = {
  name: 'test',
  description:
    "Run the Apis' policy tests (`tests:`) in process, through the same compiled chains the gateway runs, with a stub upstream.",
  paths: 'manifest files or folders',
  options: [
    OUTPUT(['text', 'json', 'github', 'junit']),
    ENV_FILTER('run only in this environment'),
    { long: 'api', value: '<name>', kind: 'string', description: 'run only the tests of this Api' },
    SELECTOR,
  ],
  help: 'Secrets referenced as ${env:NAME} are read from the environment; a test that needs an unset one is skipped and names it.\nWith --output junit: JUnit XML (one testsuite per Api) for GitLab, Jenkins and GitHub test reporters.\n\nExit codes: 0 every test passed (skips allowed), 1 a test failed or the manifests are invalid.\n\nExamples:\n  $ tollgate test examples/quickstart\n  $ BACKOFFICE_PASSWORD=... tollgate test --env production --api backoffice examples/multi-env\n  $ tollgate test --output junit . > tollgate-tests.xml',
  run: runTests,
};

interface TestFlags {
  output: 'text' | 'json' | 'github' | 'junit';
  env?: string;
  api?: string;
  selector?: Selector;
  followExternalLinks: boolean;
}

async function runTests(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as TestFlags;
  const validated = await validatePaths(input.paths, {
    followExternalLinks: flags.followExternalLinks,
    ...(flags.env === undefined ? {} : { env: flags.env }),
    ...(flags.selector ? { selector: flags.selector } : {}),
  });
  const diagnostics = applySeverities(validated.diagnostics, severityPolicy(input));
  const color = colorWanted(process.stdout);
  if (hasErrors(diagnostics)) {
    const format = flags.output === 'junit' ? 'text' : flags.output;
    return {
      stdout: renderDiagnostics(diagnostics, format, { files: validated.files.length, color }),
      stderr: 'policy tests not run: the manifests are invalid\n',
      exitCode: 1,
    };
  }
  const options = {
    ...(flags.env === undefined ? {} : { env: flags.env }),
    ...(flags.api === undefined ? {} : { api: flags.api }),
  };
  const results = await runPolicyTests(validated.manifests, options);
  const stdout =
    flags.output === 'json'
      ? renderTestsJson(results)
      : flags.output === 'github'
        ? renderTestsGithub(results)
        : flags.output === 'junit'
          ? renderTestsJunit(results)
          : renderTestsText(results, paint(color));
  return { stdout, exitCode: testTotals(results).failed > 0 ? 1 : 0 };
}
