import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { TollgateError } from '../errors/catalog.js';
import { loadConfigFile, type ConfigFile, type KnownOptions } from './config-file.js';
import {
  attributeName,
  CONFIG_FILE,
  envVarName,
  FOLLOW_EXTERNAL_LINKS,
  parseValue,
  type OptionSpec,
} from './options.js';
import type { CommandResult } from './result.js';

/** Where an option's value came from, in the order they win. */
export type ValueSource = 'cli' | 'env' | 'config' | 'default';

export interface CommandInput {
  /** Manifest paths (commands that take them): the command line's, else the config file's, else `.`. */
  paths: string[];
  /** Other positional arguments, in order. */
  args: string[];
  /** Every option's value by attribute name (`stateDir`). */
  flags: Record<string, unknown>;
  sources: Record<string, ValueSource | undefined>;
  config: ConfigFile;
}

export interface CommandSpec {
  name: string;
  description: string;
  /** Takes `[paths...]` (manifest files or folders) and --follow-external-links. */
  paths?: string;
  /** Other positional arguments. */
  args?: { name: string; description: string; choices?: readonly string[] }[];
  options: OptionSpec[];
  /** Exit codes and examples, after the options in --help. */
  help: string;
  run(input: CommandInput): Promise<CommandResult>;
}

/** What becomes of a parsed command line: the entry point runs it; tests look at the input. */
export type Dispatch = (spec: CommandSpec, input: Promise<CommandInput>) => void;

const RESOLUTION = `Every option can also be set as the environment variable TOLLGATE_<OPTION> (--state-dir: TOLLGATE_STATE_DIR) or in the config file (--config-file, TOLLGATE_CONFIG_FILE, or .tollgate.yaml in the current folder); the command line wins over the environment, the environment over the file, the file over the defaults shown.`;

/** Every option a command takes: its own, the paths block's, and --config-file. */
export function allOptions(spec: CommandSpec): OptionSpec[] {
  return [...spec.options, ...(spec.paths ? [FOLLOW_EXTERNAL_LINKS] : []), CONFIG_FILE];
}

export function defaultValue(spec: OptionSpec): unknown {
  if (spec.negatable) return true;
  if (spec.default !== undefined) return parseValue(spec, spec.default);
  return spec.kind === 'boolean' ? false : undefined;
}

function commanderOption(spec: OptionSpec): Option {
  const flag = spec.negatable ? `--no-${spec.long}` : `--${spec.long}`;
  const flags = `${spec.short ? `-${spec.short}, ` : ''}${flag}${spec.value && !spec.negatable ? ` ${spec.value}` : ''}`;
  const note = spec.defaultNote ? ` (default: ${spec.defaultNote})` : '';
  const option = new Option(flags, `${spec.description}${note}${spec.required ? ' (required)' : ''}`);
  if (spec.kind === 'choice' && spec.choices) option.choices(spec.choices);
  else if (spec.kind !== 'boolean' && !spec.negatable) option.argParser((value: string) => parseValue(spec, value));
  if (spec.default !== undefined && !spec.negatable) option.default(defaultValue(spec), spec.default);
  return option;
}

/**
 * A command from its spec — adc's BaseCommand: the options come from the one
 * declaration in options.ts, and their values are resolved here, for every
 * command alike: command line, then TOLLGATE_<OPTION>, then the config file,
 * then the default.
 */
export function buildCommand(
  spec: CommandSpec,
  dispatch: Dispatch,
  catalog: OptionCatalog,
  env: NodeJS.ProcessEnv = process.env,
): Command {
  const command = new Command(spec.name).description(spec.description);
  if (spec.paths) command.addArgument(new Argument('[paths...]', spec.paths));
  for (const arg of spec.args ?? []) {
    const argument = new Argument(`<${arg.name}>`, arg.description);
    if (arg.choices) argument.choices(arg.choices);
    command.addArgument(argument);
  }
  const options = allOptions(spec);
  for (const option of options) command.addOption(commanderOption(option));
  command.addHelpText('after', `\n${spec.help}\n\n${RESOLUTION}`);
  command.action((...received: unknown[]) => {
    const positional = received.slice(0, (spec.paths ? 1 : 0) + (spec.args?.length ?? 0));
    dispatch(spec, resolve(spec, options, command, positional, catalog, env));
  });
  return command;
}

async function resolve(
  spec: CommandSpec,
  options: OptionSpec[],
  command: Command,
  positional: unknown[],
  catalog: OptionCatalog,
  env: NodeJS.ProcessEnv,
): Promise<CommandInput> {
  const given = command.opts();
  const sourceOf = (long: string) => command.getOptionValueSource(attributeName(long)) as string | undefined;
  const fromEnv = (long: string) => {
    const value = env[envVarName(long)];
    return value === undefined || value === '' ? undefined : value;
  };
  const configPath = sourceOf('config-file') === 'cli' ? (given.configFile as string) : fromEnv('config-file');
  const config = loadConfigFile(configPath, process.cwd(), knownNames(catalog), pathOptions(catalog));
  const fromConfig = config.options(spec.name);
  const flags: Record<string, unknown> = {};
  const sources: Record<string, ValueSource | undefined> = {};
  for (const option of options) {
    const key = attributeName(option.long);
    if (option.long === 'config-file') {
      flags[key] = config.file;
      sources[key] =
        configPath === undefined
          ? config.file
            ? 'default'
            : undefined
          : sourceOf('config-file') === 'cli'
            ? 'cli'
            : 'env';
      continue;
    }
    if (sourceOf(option.long) === 'cli') {
      flags[key] = given[key];
      sources[key] = 'cli';
      continue;
    }
    const text = fromEnv(option.long);
    if (text !== undefined) {
      flags[key] = parseOrFail(option, text, envVarName(option.long));
      sources[key] = 'env';
      continue;
    }
    const configured = fromConfig.get(option.long);
    if (configured) {
      const value = configured.value;
      flags[key] =
        option.kind === 'boolean' && typeof value === 'boolean'
          ? value
          : parseOrFail(option, String(value), configured.where);
      sources[key] = 'config';
      continue;
    }
    flags[key] = defaultValue(option);
    sources[key] = flags[key] === undefined ? undefined : 'default';
  }
  for (const option of options) {
    if (option.required && flags[attributeName(option.long)] === undefined) {
      throw new TollgateError(
        'TG_USAGE',
        `--${option.long} is required (or ${envVarName(option.long)}, or ${option.long}: in the config file)`,
      );
    }
  }
  let paths: string[] = [];
  let rest = positional;
  if (spec.paths) {
    const cli = (positional[0] as string[] | undefined) ?? [];
    paths = cli.length ? cli : (config.paths ?? ['.']);
    rest = positional.slice(1);
  }
  return { paths, args: rest.map(String), flags, sources, config };
}

/** A value from the environment or the config file: TG_CONFIG, naming where it came from, when it is not one the option takes. */
function parseOrFail(option: OptionSpec, text: string, where: string): unknown {
  try {
    return parseValue(option, text);
  } catch (err) {
    if (err instanceof InvalidArgumentError)
      throw new TollgateError('TG_CONFIG', `${where}: --${option.long}: ${err.message}`);
    throw err;
  }
}

/** The options of every command of the program, for the config file (which may hold any of them). */
export type OptionCatalog = ReadonlyMap<string, readonly OptionSpec[]>;

export function catalogOf(specs: readonly CommandSpec[]): OptionCatalog {
  return new Map(specs.map((s) => [s.name, allOptions(s).filter((o) => o.long !== 'config-file')]));
}

function knownNames(catalog: OptionCatalog): KnownOptions {
  return new Map([...catalog].map(([name, options]) => [name, new Set(options.map((o) => o.long))]));
}

/** Path-valued options by long name: relative paths in the config file are relative to its folder. */
function pathOptions(catalog: OptionCatalog): Set<string> {
  return new Set(
    [...catalog.values()]
      .flat()
      .filter((o) => o.kind === 'path')
      .map((o) => o.long),
  );
}
