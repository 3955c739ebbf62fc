import type { CommandSpec } from './command.js';
import { allOptions } from './command.js';
import type { OptionSpec } from './options.js';
import type { CommandResult } from './result.js';

/**
 * `tollgate completion bash|zsh|fish`: a completion script made from the
 * commands' own declarations (commands, options, their choices, which take a
 * file), so it cannot fall behind them.
 */
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

export function completionSpec(commands: () => readonly CommandSpec[]): CommandSpec {
  return {
    name: 'completion',
    description: 'Print a shell completion script for bash, zsh or fish.',
    args: [{ name: 'shell', description: 'bash, zsh or fish', choices: SHELLS }],
    options: [],
    help: 'Examples:\n  $ source <(tollgate completion bash)                      # in ~/.bashrc\n  $ tollgate completion zsh > "${fpath[1]}/_tollgate"      # then restart zsh (compinit)\n  $ tollgate completion fish > ~/.config/fish/completions/tollgate.fish',
    run: async ({ args }): Promise<CommandResult> => ({
      stdout: completionScript(args[0] as Shell, commands()),
      exitCode: 0,
    }),
  };
}

export function completionScript(shell: Shell, commands: readonly CommandSpec[]): string {
  if (shell === 'bash') return bashScript(commands);
  if (shell === 'zsh') return zshScript(commands);
  return fishScript(commands);
}

const takesValue = (o: OptionSpec) => o.value !== undefined && !o.negatable;
const flagsOf = (o: OptionSpec) => [
  ...(o.short ? [`-${o.short}`] : []),
  o.negatable ? `--no-${o.long}` : `--${o.long}`,
];
const valueChoices = (o: OptionSpec) => (o.choices ? [...o.choices] : undefined);
/** One line of plain text for a description (no quotes or brackets a shell would read). */
const plainText = (text: string) => (text.split(/[;(]/)[0] ?? text).replace(/[`'"[\]:\\$]/g, '').trim();

function bashScript(commands: readonly CommandSpec[]): string {
  const cases = commands.map((spec) => {
    const options = allOptions(spec);
    const valueCases = options.filter(takesValue).map((o) => {
      const choices = valueChoices(o);
      const reply = choices
        ? `COMPREPLY=( $(compgen -W "${choices.join(' ')}" -- "$cur") )`
        : o.kind === 'path'
          ? 'COMPREPLY=( $(compgen -f -- "$cur") )'
          : 'COMPREPLY=()';
      return `        ${flagsOf(o).join('|')}) ${reply}; return ;;`;
    });
    const words = ['--help', ...options.flatMap(flagsOf)].join(' ');
    const positional = spec.paths
      ? 'COMPREPLY=( $(compgen -f -- "$cur") )'
      : spec.args?.[0]?.choices
        ? `COMPREPLY=( $(compgen -W "${spec.args[0].choices.join(' ')}" -- "$cur") )`
        : 'COMPREPLY=()';
    return [
      `    ${spec.name})`,
      ...(valueCases.length ? ['      case "$prev" in', ...valueCases, '      esac'] : []),
      `      if [[ "$cur" == -* ]]; then COMPREPLY=( $(compgen -W "${words}" -- "$cur") ); else ${positional}; fi`,
      '      ;;',
    ].join('\n');
  });
  return `# tollgate completion for bash. Load it with: source <(tollgate completion bash)
_tollgate() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ $COMP_CWORD -eq 1 ]]; then
    COMPREPLY=( $(compgen -W "${commands.map((c) => c.name).join(' ')} help --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
  esac
}
complete -o filenames -F _tollgate tollgate
`;
}

function zshScript(commands: readonly CommandSpec[]): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const describe = commands.map((c) => `    ${quote(`${c.name}:${plainText(c.description)}`)}`);
  const cases = commands.map((spec) => {
    const specs = allOptions(spec).map((o) => {
      const flags = flagsOf(o);
      const exclusive = flags.length > 1 ? `(${flags.join(' ')})` : '';
      const names = flags.length > 1 ? `{${flags.join(',')}}` : flags[0];
      const help = `[${plainText(o.description)}]`;
      const value = takesValue(o)
        ? `:${(o.value ?? '<value>').replace(/[<>]/g, '')}:${o.choices ? `(${o.choices.join(' ')})` : o.kind === 'path' ? '_files' : ' '}`
        : '';
      return `        ${exclusive ? quote(exclusive) : ''}${names}${quote(help + value)}`;
    });
    const positional = spec.paths
      ? [`        '*:path:_files'`]
      : spec.args?.[0]
        ? [`        ${quote(`1:${spec.args[0].name}:(${(spec.args[0].choices ?? []).join(' ')})`)}`]
        : [];
    return [`    ${spec.name})`, '      _arguments -s \\', [...specs, ...positional].join(' \\\n'), '      ;;'].join(
      '\n',
    );
  });
  return `#compdef tollgate
# tollgate completion for zsh. Save it as _tollgate in a folder of $fpath, or load it with: source <(tollgate completion zsh)
_tollgate() {
  local -a commands
  commands=(
${describe.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe -t commands 'tollgate command' commands
    return
  fi
  words=("\${(@)words[2,-1]}")
  (( CURRENT-- ))
  case "\${words[1]}" in
${cases.join('\n')}
  esac
}
if [[ "\${funcstack[1]}" == "_tollgate" ]]; then
  _tollgate "$@"
else
  compdef _tollgate tollgate
fi
`;
}

function fishScript(commands: readonly CommandSpec[]): string {
  const quote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const lines = [
    '# tollgate completion for fish. Save it as ~/.config/fish/completions/tollgate.fish',
    'complete -c tollgate -f',
  ];
  const names = commands.map((c) => c.name).join(' ');
  for (const spec of commands)
    lines.push(
      `complete -c tollgate -n "not __fish_seen_subcommand_from ${names}" -a ${spec.name} -d ${quote(plainText(spec.description))}`,
    );
  for (const spec of commands) {
    const when = `-n "__fish_seen_subcommand_from ${spec.name}"`;
    for (const o of allOptions(spec)) {
      const parts = [`complete -c tollgate ${when}`];
      if (o.short) parts.push(`-s ${o.short}`);
      parts.push(`-l ${o.negatable ? `no-${o.long}` : o.long}`);
      if (takesValue(o))
        parts.push(o.kind === 'path' ? '-r -F' : o.choices ? `-x -a ${quote(o.choices.join(' '))}` : '-x');
      parts.push(`-d ${quote(plainText(o.description))}`);
      lines.push(parts.join(' '));
    }
    if (spec.paths) lines.push(`complete -c tollgate ${when} -F`);
    const choices = spec.args?.[0]?.choices;
    if (choices) lines.push(`complete -c tollgate ${when} -a ${quote(choices.join(' '))}`);
  }
  return lines.join('\n') + '\n';
}
