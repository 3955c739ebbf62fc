import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

/** The scripts `tollgate completion` prints, loaded into the real shells and asked for completions. */
const has = (shell: string) => spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;

async function script(shell: string): Promise<string> {
  const run = await runCli(['completion', shell]);
  expect(run.code).toBe(0);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tollgate-completion-')), `tollgate.${shell}`);
  writeFileSync(file, run.stdout);
  return file;
}

/** What bash completes for the words typed so far (the last may be partial). */
function bashComplete(file: string, words: string[]): string[] {
  const program = `source ${JSON.stringify(file)}; COMP_WORDS=(${words.map((w) => JSON.stringify(w)).join(' ')}); COMP_CWORD=${words.length - 1}; _tollgate; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const run = spawnSync('bash', ['-c', program], { encoding: 'utf8', cwd: path.dirname(file) });
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').filter(Boolean);
}

describe('tollgate completion', () => {
  it('bash: commands, the options of a command, and the choices of an option', async () => {
    const file = await script('bash');
    expect(bashComplete(file, ['tollgate', 'va'])).toEqual(['validate']);
    expect(bashComplete(file, ['tollgate', ''])).toEqual(
      expect.arrayContaining(['validate', 'plan', 'apply', 'reconcile', 'check', 'gateway', 'completion']),
    );
    expect(bashComplete(file, ['tollgate', 'validate', '--o'])).toEqual(['--output']);
    expect(bashComplete(file, ['tollgate', 'validate', '--output', ''])).toEqual(['text', 'json', 'github', 'sarif']);
    expect(bashComplete(file, ['tollgate', 'check', '--fail-on', 'w'])).toEqual(['warning']);
    expect(bashComplete(file, ['tollgate', 'reconcile', '--sel']).sort()).toEqual(['--selector', '--self-heal']);
    expect(bashComplete(file, ['tollgate', 'check', '--no-t'])).toEqual(['--no-tests']);
    expect(bashComplete(file, ['tollgate', 'completion', 'f'])).toEqual(['fish']);
    // Paths: the files there are offered.
    writeFileSync(path.join(path.dirname(file), 'orders.yaml'), '');
    expect(bashComplete(file, ['tollgate', 'validate', 'ord'])).toEqual(['orders.yaml']);
  });

  it.skipIf(!has('fish'))('fish: the same completions', async () => {
    const file = await script('fish');
    const complete = (line: string) =>
      spawnSync('fish', ['--no-config', '-c', `source ${JSON.stringify(file)}; complete -C ${JSON.stringify(line)}`], {
        encoding: 'utf8',
      })
        .stdout.split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    expect(complete('tollgate va')).toEqual(['validate']);
    expect(complete('tollgate validate --output ')).toEqual(
      expect.arrayContaining(['text', 'json', 'github', 'sarif']),
    );
    expect(complete('tollgate check --fail')).toEqual(['--fail-on']);
    expect(complete('tollgate completion ')).toEqual(expect.arrayContaining(['bash', 'zsh', 'fish']));
  });

  it.skipIf(!has('zsh'))('zsh: the script loads into compinit and registers _tollgate for tollgate', async () => {
    const file = await script('zsh');
    const run = spawnSync(
      'zsh',
      [
        '-f',
        '-c',
        `autoload -U compinit && compinit -u -D && source ${JSON.stringify(file)} && print -r -- $_comps[tollgate] && whence -w _tollgate`,
      ],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.stdout.split('\n').filter(Boolean)).toEqual(['_tollgate', '_tollgate: function']);
    expect(spawnSync('zsh', ['-n', file]).status).toBe(0);
  });

  it('refuses a shell it does not know', async () => {
    const run = await runCli(['completion', 'powershell']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      "value 'powershell' is invalid for argument 'shell'. Allowed choices are bash, zsh, fish.",
    );
  });
});
