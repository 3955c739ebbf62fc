import { colorWanted } from '../output/color.js';
import { renderDiagnostics, type DiagnosticFormat } from '../output/diagnostics.js';
import { renderSarif } from '../output/sarif.js';
import { applySeverities } from '../errors/severity.js';
import type { Selector } from '../labels/selector.js';
import { validatePaths } from '../validate/index.js';
import type { CommandInput, CommandSpec } from './command.js';
import { CERT_EXPIRY_WARNING, ENV_FILTER, OUTPUT, SELECTOR, WARNINGS_AS_ERRORS } from './options.js';
import type { CommandResult } from './result.js';

export const validateSpec: CommandSpec = {
  name: 'validate',
  description: 'Check manifests against the schemas, references and the policy-precedence rules.',
  paths: 'manifest files or folders',
  options: [
    OUTPUT(['text', 'json', 'github', 'sarif']),
    ENV_FILTER("check only this environment's assembled chains"),
    SELECTOR,
    CERT_EXPIRY_WARNING,
    WARNINGS_AS_ERRORS,
  ],
  help: 'With --output sarif: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif).\n\nExit codes: 0 valid (warnings allowed), 1 invalid.\n\nExamples:\n  $ tollgate validate examples/multi-env\n  $ tollgate validate --env production --output github .\n  $ tollgate validate --selector team=payments --output sarif . > tollgate.sarif',
  run: runValidate,
};

interface ValidateFlags {
  output: DiagnosticFormat | 'sarif';
  env?: string;
  selector?: Selector;
  certExpiryWarning: number;
  warningsAsErrors: boolean;
  followExternalLinks: boolean;
}

async function runValidate({ paths, flags, config }: CommandInput): Promise<CommandResult> {
  const f = flags as unknown as ValidateFlags;
  const result = await validatePaths(paths, {
    certExpiryWarningDays: f.certExpiryWarning,
    followExternalLinks: f.followExternalLinks,
    ...(f.env === undefined ? {} : { env: f.env }),
    ...(f.selector ? { selector: f.selector } : {}),
  });
  const diagnostics = applySeverities(result.diagnostics, {
    levels: config.severity,
    warningsAsErrors: f.warningsAsErrors,
  });
  const valid = !diagnostics.some((d) => d.severity === 'error');
  const stdout =
    f.output === 'sarif'
      ? renderSarif(diagnostics)
      : renderDiagnostics(diagnostics, f.output, { files: result.files.length, color: colorWanted(process.stdout) });
  return { stdout, exitCode: valid ? 0 : 1 };
}
