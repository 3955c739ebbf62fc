import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { allOptions, defaultValue, type CommandInput, type CommandSpec } from '../../src/cli/command.js';
import { attributeName, envVarName, parseValue, type OptionSpec } from '../../src/cli/options.js';
import { buildProgram } from '../../src/cli/program.js';
import { TollgateError } from '../../src/errors/catalog.js';
import { runCli } from '../helpers/cli.js';

/** The command line parsed by the real program, with the resolved input handed back instead of run. */
async function parse(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<{ spec: CommandSpec; input: CommandInput }> {
  let captured: { spec: CommandSpec; input: Promise<CommandInput> } | undefined;
  const { program } = buildProgram((spec, input) => (captured = { spec, input }), env);
  program.exitOverride();
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  await program.parseAsync(['node', 'tollgate', ...argv]);
  if (!captured) throw new Error(`${argv.join(' ')} dispatched nothing`);
  return { spec: captured.spec, input: await captured.input };
}

const { specs } = buildProgram(() => undefined);

/** A value for each kind that differs from any default, as a user would type it. */
function sample(option: OptionSpec): string {
  switch (option.kind) {
    case 'boolean':
      return option.negatable ? 'false' : 'true';
    case 'listen':
      return '127.0.0.1:4321';
    case 'duration':
      return '7s';
    case 'mebibytes':
    case 'heap':
      return '3';
    case 'days':
      return '9';
    case 'count':
    case 'factor':
      return '3';
    case 'selector':
      return 'team in (b,a),tier!=test';
    case 'choice':
      return option.choices?.at(-1) as string;
    case 'path':
      return 'some/dir';
    default:
      return 'sample-value';
  }
}

/** What a command needs besides the option under test. */
function baseArgs(spec: CommandSpec, option: OptionSpec): string[] {
  const args = [spec.name];
  if (spec.args?.[0]) args.push(spec.args[0].choices?.[0] ?? 'x');
  // Every other required option (replay's --records, most commands' --env), with a value of its kind.
  for (const required of allOptions(spec).filter((o) => o.required && o.long !== option.long))
    args.push(`--${required.long}`, required.long === 'env' ? 'required-env' : sample(required));
  return args;
}

const cases = specs.flatMap((spec) =>
  allOptions(spec)
    .filter((o) => o.long !== 'config-file')
    .map((option) => ({ spec, option, name: `${spec.name} --${option.long}` })),
);

describe('every option of every command from the command line, TOLLGATE_<OPTION> and the config file', () => {
  it('covers every command', () => {
    expect(specs.map((s) => s.name)).toEqual([
      'validate',
      'plan',
      'apply',
      'dump',
      'reconcile',
      'status',
      'test',
      'check',
      'replay',
      'gateway',
      'quickstart',
      'completion',
    ]);
    expect(cases.length).toBeGreaterThan(90);
  });

  it.each(cases)(
    '$name',
    async ({ spec, option }) => {
      const key = attributeName(option.long);
      const text = sample(option);
      const expected = parseValue(option, text);
      const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-options-'));

      // From the environment.
      const fromEnv = await parse(baseArgs(spec, option), { [envVarName(option.long)]: text });
      expect(fromEnv.input.sources[key]).toBe('env');
      expect(fromEnv.input.flags[key]).toEqual(expected);

      // From the config file: under commands.<name>, and at the top level.
      const configFile = path.join(dir, 'tollgate.yaml');
      await writeFile(configFile, `commands:\n  ${spec.name}:\n    ${option.long}: ${JSON.stringify(text)}\n`);
      const fromFile = await parse(baseArgs(spec, option), { TOLLGATE_CONFIG_FILE: configFile });
      expect(fromFile.input.sources[key]).toBe('config');
      // Paths in the config file are relative to its folder.
      expect(fromFile.input.flags[key]).toEqual(option.kind === 'path' ? path.join(dir, text) : expected);
      await writeFile(configFile, `${option.long}: ${JSON.stringify(text)}\n`);
      expect((await parse(baseArgs(spec, option), { TOLLGATE_CONFIG_FILE: configFile })).input.sources[key]).toBe(
        'config',
      );

      // Precedence: the command line over the environment over the file over the default.
      const flag = option.negatable
        ? [`--no-${option.long}`]
        : option.kind === 'boolean'
          ? [`--${option.long}`]
          : [`--${option.long}`, text];
      const otherText =
        option.kind === 'boolean'
          ? undefined
          : option.kind === 'choice'
            ? option.choices?.[0]
            : option.kind === 'listen'
              ? '127.0.0.1:1111'
              : option.kind === 'duration'
                ? '9s'
                : option.kind === 'selector'
                  ? 'team=z'
                  : option.kind === 'path'
                    ? 'other/dir'
                    : option.kind === 'string'
                      ? 'other-value'
                      : '5';
      if (otherText !== undefined) {
        const both = await parse([...baseArgs(spec, option), ...flag], {
          [envVarName(option.long)]: otherText,
          TOLLGATE_CONFIG_FILE: configFile,
        });
        expect(both.input.sources[key]).toBe('cli');
        expect(both.input.flags[key]).toEqual(expected);
        const envOverFile = await parse(baseArgs(spec, option), {
          [envVarName(option.long)]: text,
          TOLLGATE_CONFIG_FILE: configFile,
        });
        expect(envOverFile.input.sources[key]).toBe('env');
      }
      if (option.required) await expect(parse(baseArgs(spec, option))).rejects.toThrow(/is required/);
      else expect((await parse(baseArgs(spec, option))).input.flags[key]).toEqual(defaultValue(option));
    },
    30_000,
  );
});

describe('option values', () => {
  it('--help shows every default the way a user types it, and that text parses to the default', async () => {
    for (const spec of specs) {
      const run = await runCli([spec.name, '--help']);
      const help = run.stdout.replace(/\s+/g, ' ');
      expect(help, `${spec.name} --help`).not.toMatch(/default: [{["]/);
      for (const option of allOptions(spec)) {
        if (option.default !== undefined && !option.negatable) {
          expect(help, `${spec.name} --${option.long}`).toContain(`default: ${option.default})`);
          expect(parseValue(option, option.default)).toEqual(defaultValue(option));
        }
      }
      expect(help).toContain('TOLLGATE_<OPTION>');
    }
    const gateway = (await runCli(['gateway', '--help'])).stdout.replace(/\s+/g, ' ');
    for (const typed of ['0.0.0.0:8080', '127.0.0.1:8081', '60s', '15s', '10s', '(default: 16)', '(default: 2048)'])
      expect(gateway).toContain(typed);
  }, 60_000);

  it('a bad value from the environment or the config file is refused, naming where it came from', async () => {
    await expect(parse(['gateway'], { TOLLGATE_LISTEN: 'nowhere' })).rejects.toThrow(
      /TOLLGATE_LISTEN: --listen: expected host:port/,
    );
    await expect(parse(['validate'], { TOLLGATE_OUTPUT: 'markdown' })).rejects.toThrow(
      /TOLLGATE_OUTPUT: --output: "markdown" is not one of text, json, github, sarif/,
    );
    await expect(parse(['apply', '--env', 'x'], { TOLLGATE_PRUNE: 'maybe' })).rejects.toThrow(/expected true or false/);
    // Booleans from the environment are read, not just noticed: TOLLGATE_PRUNE=false is false.
    expect((await parse(['apply', '--env', 'x'], { TOLLGATE_PRUNE: 'false' })).input.flags.prune).toBe(false);
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-options-'));
    const file = path.join(dir, 'c.yaml');
    await writeFile(file, 'commands:\n  reconcile:\n    interval: soon\n');
    await expect(parse(['reconcile'], { TOLLGATE_CONFIG_FILE: file })).rejects.toThrow(
      /c\.yaml:3:15 \(commands\.reconcile\): --interval: expected a duration/,
    );
  });

  it('a required option may come from anywhere, and its absence says where it could have come from', async () => {
    const err = await parse(['plan']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TollgateError);
    expect((err as Error).message).toBe('--env is required (or TOLLGATE_ENV, or env: in the config file)');
    expect((await parse(['plan'], { TOLLGATE_ENV: 'production' })).input.flags.env).toBe('production');
  });

  it('the config file is checked: unknown options (with a suggestion), unknown commands, severities', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-options-'));
    const file = path.join(dir, 'c.yaml');
    const load = async (text: string) => {
      await writeFile(file, text);
      return parse(['validate'], { TOLLGATE_CONFIG_FILE: file });
    };
    await expect(load('selectr: team=a\n')).rejects.toThrow(
      /c\.yaml:1:1: top level: no option "selectr"; did you mean "selector"\?/,
    );
    await expect(load('commands:\n  validate:\n    prune: true\n')).rejects.toThrow(
      /commands\.validate: no option "prune"/,
    );
    await expect(load('commands:\n  deploy: {}\n')).rejects.toThrow(/no command "deploy"/);
    await expect(load('severity:\n  TG_SCHEMA: warning\n')).rejects.toThrow(
      /TG_SCHEMA is an error the gateway enforces as well; it can be raised, not lowered/,
    );
    await expect(load('severity:\n  TG_PLAINTXT_SECRET: error\n')).rejects.toThrow(
      /did you mean "TG_PLAINTEXT_SECRET"/,
    );
    await expect(load('severity:\n  TG_PLAINTEXT_SECRET: fatal\n')).rejects.toThrow(
      /"fatal" is not one of error, warning, off/,
    );
    // An option of another command at the top level is for that command: allowed, and ignored here.
    const ok = await load(
      'prune: true\npaths: [manifests]\nseverity:\n  TG_PLAINTEXT_SECRET: error\n  TG_AUTH_REMOVED: warning\n',
    );
    expect(ok.input.flags.prune).toBeUndefined();
    // Relative to the config file's folder; named relative to the current folder when inside it.
    const manifests = path.join(dir, 'manifests');
    const relative = path.relative(process.cwd(), manifests);
    expect(ok.input.paths).toEqual([relative.startsWith('..') ? manifests : relative]);
    expect([...ok.input.config.severity]).toEqual([
      ['TG_PLAINTEXT_SECRET', 'error'],
      ['TG_AUTH_REMOVED', 'warning'],
    ]);
    await expect(parse(['validate'], { TOLLGATE_CONFIG_FILE: path.join(dir, 'missing.yaml') })).rejects.toThrow(
      /config file .*missing\.yaml does not exist/,
    );
  });

  it('.tollgate.yaml in the current folder is read without being named, and is never taken for a manifest', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-options-'));
    await writeFile(path.join(dir, '.tollgate.yaml'), 'output: json\n');
    await writeFile(
      path.join(dir, 'env.yaml'),
      'apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: dev }\nspec: {}\n',
    );
    const run = await runCli(['validate'], { cwd: dir });
    const report = JSON.parse(run.stdout) as { files: number; diagnostics: { code: string }[] };
    expect(report.files).toBe(1);
    expect(report.diagnostics.map((d) => d.code).sort()).toEqual(['TG_EMPTY_ENVIRONMENT', 'TG_NO_NODES']);
  });
});
