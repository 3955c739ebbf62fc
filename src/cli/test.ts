import { Command, Option } from 'commander';
import { colorWanted, paint } from '../output/color.js';
import { renderDiagnostics } from '../output/diagnostics.js';
import { renderTestsGithub, renderTestsJson, renderTestsText, testTotals } from '../policy-tests/render.js';
import { runPolicyTests } from '../policy-tests/run-tests.js';
import { validatePaths } from '../validate/index.js';
import type { CommandResult } from './result.js';

interface TestFlags {
  output: 'text' | 'json' | 'github';
  env?: string;
  api?: string;
}

export function testCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('test')
    .description("Run the Apis' policy tests (`tests:`) in process, through the same compiled chains the gateway runs, with a stub upstream.")
    .argument('[paths...]', 'manifest files or folders', ['.'])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('-e, --env <name>', 'run only in this environment')
    .option('--api <name>', 'run only the tests of this Api')
    .addHelpText(
      'after',
      '\nSecrets referenced as ${env:NAME} are read from the environment; a test that needs an unset one is skipped and names it.\n\nExit codes: 0 every test passed (skips allowed), 1 a test failed or the manifests are invalid.\n\nExamples:\n  $ tollgate test examples/quickstart\n  $ BACKOFFICE_PASSWORD=... tollgate test --env production --api backoffice examples/multi-env',
    )
    .action((paths: string[], flags: TestFlags) => run(runTests(paths, flags)));
}

async function runTests(paths: string[], flags: TestFlags): Promise<CommandResult> {
  const validated = await validatePaths(paths, flags.env === undefined ? {} : { env: flags.env });
  const color = colorWanted(process.stdout);
  if (!validated.valid) {
    const format = flags.output === 'json' ? 'json' : flags.output;
    return { stdout: renderDiagnostics(validated.diagnostics, format, { files: validated.files.length, color }), stderr: 'policy tests not run: the manifests are invalid\n', exitCode: 1 };
  }
  const options = { ...(flags.env === undefined ? {} : { env: flags.env }), ...(flags.api === undefined ? {} : { api: flags.api }) };
  const results = await runPolicyTests(validated.manifests, options);
  const stdout = flags.output === 'json' ? renderTestsJson(results) : flags.output === 'github' ? renderTestsGithub(results) : renderTestsText(results, paint(color));
  return { stdout, exitCode: testTotals(results).failed > 0 ? 1 : 0 };
}
