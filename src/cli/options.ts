import { InvalidArgumentError } from 'commander';
import { DEFAULT_MANIFEST_LIMITS, MIB } from '../manifest/limits.js';
import { SelectorError } from '../errors/catalog.js';
import { parseSelector, type Selector } from '../labels/selector.js';
import { DEFAULT_EXPIRY_WARNING_DAYS } from '../tls/check-material.js';
import { parseDays } from './days.js';
import { parseDuration } from './duration.js';
import { parseListen } from './listen.js';
import { parseMebibytes } from './size.js';

/**
 * Every option of every command, declared once (issue 18: as adc's
 * BaseCommand does): a common flag — environment, paths, output, selector,
 * prune, listen addresses, state dir, log level, tokens — is spelled, parsed
 * and documented the same wherever it appears, and can come from the command
 * line, from TOLLGATE_<FLAG> or from the config file (command.ts resolves them,
 * in that order, over the default).
 */

/** How an option's text becomes its value; also what a config file and the environment may give. */
export type OptionKind =
  | 'string'
  | 'boolean'
  | 'path'
  | 'listen'
  | 'duration'
  | 'mebibytes'
  | 'heap'
  | 'days'
  | 'count'
  | 'factor'
  | 'selector'
  | 'choice';

export interface OptionSpec {
  /** The long flag without dashes: `state-dir`. For a negatable flag, the positive name (`tests` for `--no-tests`). */
  long: string;
  short?: string;
  /** The placeholder of the value (`<dir>`); none for a flag. */
  value?: string;
  description: string;
  kind: OptionKind;
  choices?: readonly string[];
  /** The default as a user types it (`0.0.0.0:8080`, `60s`): shown in --help and parsed like any value. */
  default?: string;
  /** What happens without the option when that is no value (`from the state`): shown in --help. */
  defaultNote?: string;
  /** Must be given (on the command line, in the environment or in the config file). */
  required?: boolean;
  /** `--no-<long>`: on by default, turned off by the flag. */
  negatable?: boolean;
}

/** `TOLLGATE_STATE_DIR` for `--state-dir`: one variable per flag name, whatever the command. */
export function envVarName(long: string): string {
  return `TOLLGATE_${long.toUpperCase().replace(/-/g, '_')}`;
}

/** The attribute commander gives the value: `state-dir` → `stateDir`. */
export function attributeName(long: string): string {
  return long.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function parseCount(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`);
  return Number(value);
}

function parseFactor(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 1)
    throw new InvalidArgumentError(`must be a number greater than 1, got "${value}"`);
  return n;
}

export function parseSelectorOption(value: string): Selector | undefined {
  try {
    return parseSelector(value);
  } catch (err) {
    if (err instanceof SelectorError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

const BOOLEAN_TEXT: Record<string, boolean> = {
  true: true,
  false: false,
  '1': true,
  '0': false,
  yes: true,
  no: false,
  on: true,
  off: false,
};

export function parseBoolean(value: string): boolean {
  const b = BOOLEAN_TEXT[value.trim().toLowerCase()];
  if (b === undefined) throw new InvalidArgumentError(`expected true or false, got "${value}"`);
  return b;
}

/** The value of an option's text, as the command line parses it (choices checked). */
export function parseValue(spec: OptionSpec, text: string): unknown {
  switch (spec.kind) {
    case 'boolean':
      return parseBoolean(text);
    case 'listen':
      return parseListen(text);
    case 'duration':
      return parseDuration(text);
    case 'mebibytes':
      return parseMebibytes(text);
    case 'heap':
      return parseMebibytes(text) / MIB;
    case 'days':
      return parseDays(text);
    case 'count':
      return parseCount(text);
    case 'factor':
      return parseFactor(text);
    case 'selector':
      return parseSelectorOption(text);
    case 'choice':
      if (!spec.choices?.includes(text))
        throw new InvalidArgumentError(`"${text}" is not one of ${spec.choices?.join(', ')}`);
      return text;
    default:
      return text;
  }
}

// ---------------------------------------------------------------------------
// The shared blocks. A command lists what it takes; the spelling lives here.

export const ENV_REQUIRED = (verb: string): OptionSpec => ({
  long: 'env',
  short: 'e',
  value: '<name>',
  kind: 'string',
  required: true,
  description: `environment to ${verb}`,
});
export const ENV_FILTER = (description: string): OptionSpec => ({
  long: 'env',
  short: 'e',
  value: '<name>',
  kind: 'string',
  description,
});

export const OUTPUT = (choices: readonly string[]): OptionSpec => ({
  long: 'output',
  short: 'o',
  value: '<format>',
  kind: 'choice',
  choices,
  default: 'text',
  description: 'output format',
});

export const SELECTOR: OptionSpec = {
  long: 'selector',
  short: 'l',
  value: '<selector>',
  kind: 'selector',
  description:
    'act only on the Apis, Applications and Certificates whose metadata.labels match (Kubernetes syntax: team=payments,tier!=test; key in (a,b)); what it applies is owned by it',
};
export const ADOPT: OptionSpec = {
  long: 'adopt',
  kind: 'boolean',
  default: 'false',
  description:
    "take over objects the gateway holds under another owner (another selector's, or none) instead of refusing the plan",
};

export const PRUNE = (what = 'delete APIs, policies and applications the manifests no longer have'): OptionSpec => ({
  long: 'prune',
  kind: 'boolean',
  default: 'false',
  description: `${what} (with --selector: only what that selector owns)`,
});
export const ALLOW_EMPTY: OptionSpec = {
  long: 'allow-empty',
  kind: 'boolean',
  default: 'false',
  description: 'with --prune: allow deleting every API',
};

export const FOLLOW_EXTERNAL_LINKS: OptionSpec = {
  long: 'follow-external-links',
  kind: 'boolean',
  default: 'false',
  description: 'follow links that lead outside the manifest folders (links inside them are always followed)',
};

export const LOG_LEVEL: OptionSpec = {
  long: 'log-level',
  value: '<level>',
  kind: 'choice',
  choices: ['debug', 'info', 'warn', 'error'],
  default: 'info',
  description: 'log level',
};

export const STATE_DIR = (defaultDir: string, description: string): OptionSpec => ({
  long: 'state-dir',
  value: '<dir>',
  kind: 'path',
  default: defaultDir,
  description,
});

export const LISTEN = (long: string, description: string, defaultAddress?: string): OptionSpec => ({
  long,
  value: '<host:port>',
  kind: 'listen',
  description,
  ...(defaultAddress === undefined ? { defaultNote: 'off' } : { default: defaultAddress }),
});

export const CERT_EXPIRY_WARNING: OptionSpec = {
  long: 'cert-expiry-warning',
  value: '<days>',
  kind: 'days',
  default: String(DEFAULT_EXPIRY_WARNING_DAYS),
  description: 'warn about certificates that expire within this many days',
};

export const WARNINGS_AS_ERRORS: OptionSpec = {
  long: 'warnings-as-errors',
  kind: 'boolean',
  default: 'false',
  description: 'report every warning as an error (after the severities of the config file)',
};

export const CONFIG_FILE: OptionSpec = {
  long: 'config-file',
  value: '<file>',
  kind: 'path',
  defaultNote: '.tollgate.yaml when it exists',
  description: 'the config file: options, per-command options and diagnostic severities (YAML)',
};

export const MAX_FILE_SIZE: OptionSpec = {
  long: 'max-file-size',
  value: '<MiB>',
  kind: 'mebibytes',
  default: String(DEFAULT_MANIFEST_LIMITS.maxFileBytes / MIB),
  description: 'largest manifest file read (embedded mode)',
};
export const MAX_REPOSITORY_SIZE: OptionSpec = {
  long: 'max-repository-size',
  value: '<MiB>',
  kind: 'mebibytes',
  default: String(DEFAULT_MANIFEST_LIMITS.maxRepositoryBytes / MIB),
  description: 'largest total of the manifest files of one revision (embedded mode)',
};

/** A secret taken from the environment by name: the value never goes on a command line. */
export const SECRET_ENV = (long: string, defaultVariable: string, description: string): OptionSpec => ({
  long,
  value: '<name>',
  kind: 'string',
  default: defaultVariable,
  description,
});
