import { Command, Option } from 'commander';
import { colorWanted } from '../output/color.js';
import { renderDiagnostics, type DiagnosticFormat } from '../output/diagnostics.js';
import { validatePaths } from '../validate/index.js';
import { DEFAULT_EXPIRY_WARNING_DAYS } from '../tls/check-material.js';
import { parseDays } from './days.js';
import type { CommandResult } from './result.js';

export function validateCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('validate')
    .description('Check manifests against the schemas, references and the policy-precedence rules.')
    .argument('[paths...]', 'manifest files or folders', ['.'])
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json', 'github']).default('text'))
    .option('-e, --env <name>', "check only this environment's assembled chains")
    .addOption(new Option('--cert-expiry-warning <days>', 'warn about certificates that expire within this many days').argParser(parseDays).default(DEFAULT_EXPIRY_WARNING_DAYS))
    .addHelpText('after', '\nExamples:\n  $ tollgate validate examples/multi-env\n  $ tollgate validate --env production --output github .\n\nExit codes: 0 valid (warnings allowed), 1 invalid.')
    .action((paths: string[], opts: { output: DiagnosticFormat; env?: string; certExpiryWarning: number }) =>
      run(
        validatePaths(paths, { certExpiryWarningDays: opts.certExpiryWarning, ...(opts.env === undefined ? {} : { env: opts.env }) }).then((result) => ({
          stdout: renderDiagnostics(result.diagnostics, opts.output, { files: result.files.length, color: colorWanted(process.stdout) }),
          exitCode: result.valid ? 0 : 1,
        })),
      ),
    );
}
