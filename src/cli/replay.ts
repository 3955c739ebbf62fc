import { colorWanted, paint } from '../output/color.js';
import { renderDiagnostics } from '../output/diagnostics.js';
import { loadSide, pickEnvironment, RECORDING, replayBaseDir, type LoadedSide } from '../replay/load-sides.js';
import { recordFiles } from '../replay/record-files.js';
import { renderReplayGithub, renderReplayJson, renderReplayMarkdown, renderReplayText } from '../replay/render.js';
import { replayEnvironment } from '../replay/replay-environment.js';
import type { CommandInput, CommandSpec } from './command.js';
import { ENV_FILTER, OUTPUT } from './options.js';
import type { CommandResult } from './result.js';

export const replaySpec: CommandSpec = {
  name: 'replay',
  description:
    'Replay recorded traffic (access records) through two versions of the manifests: which requests a change would refuse or admit, per API, policy and client. Nothing is sent upstream and no secret is read.',
  paths: 'manifest files or folders',
  options: [
    {
      long: 'records',
      value: '<path>',
      kind: 'path',
      required: true,
      description:
        'an access-record file (NDJSON, gzipped or not) or a folder of them (every node’s, rotated ones too)',
    },
    {
      long: 'base',
      value: '<ref>',
      kind: 'string',
      defaultNote: 'the recording: what the gateway answered',
      description: 'compare against the manifests at this git ref instead',
    },
    {
      long: 'head',
      value: '<ref>',
      kind: 'string',
      defaultNote: 'the working tree',
      description: 'the manifests under review, at this git ref',
    },
    ENV_FILTER('the environment the records come from (needed when the manifests define several)'),
    OUTPUT(['text', 'json', 'markdown', 'github']),
  ],
  help: 'Records are replayed in time order on a virtual clock: rate limits and spike control count as they did, and an hour of traffic replays in seconds. Identities come from the records (a verified client replays as verified), so no credential is needed.\n\nExit codes: 0 no request changes verdict, 2 some do, 1 error (invalid manifests, unreadable records).\n\nExamples:\n  $ tollgate replay --records /var/log/tollgate/ --env production manifests/\n  $ tollgate replay --records access.ndjson.gz --base main --head feature/lower-limits --output markdown .',
  run: runReplay,
};

interface ReplayFlags {
  records: string;
  base?: string;
  head?: string;
  env?: string;
  output: 'text' | 'json' | 'markdown' | 'github';
  followExternalLinks: boolean;
}

async function runReplay(input: CommandInput): Promise<CommandResult> {
  const flags = input.flags as unknown as ReplayFlags;
  const files = await recordFiles(flags.records);
  const sides = { paths: input.paths, followExternalLinks: flags.followExternalLinks };
  const head = await loadSide({ ...sides, ...(flags.head === undefined ? {} : { ref: flags.head }) });
  if (!head.ok) return refused(head);
  const base = flags.base === undefined ? undefined : await loadSide({ ...sides, ref: flags.base });
  if (base && !base.ok) return refused(base);
  const picked = pickEnvironment(head.side.manifests, flags.env);
  if ('error' in picked) return { stderr: `error TG_USAGE: ${picked.error}\n`, exitCode: 1 };
  if (base?.ok && !base.side.manifests.environments.some((e) => e.name === picked.environment))
    return {
      stderr: `error TG_USAGE: ${base.side.label} does not define environment "${picked.environment}": nothing to compare with\n`,
      exitCode: 1,
    };
  const report = await replayEnvironment({
    files,
    environment: picked.environment,
    base: base?.ok ? base.side : RECORDING,
    head: head.side,
    baseDir: replayBaseDir(input.paths),
  });
  const exitCode = report.totals.changed > 0 ? 2 : 0;
  switch (flags.output) {
    case 'json':
      return { stdout: renderReplayJson(report), exitCode };
    case 'markdown':
      return { stdout: renderReplayMarkdown(report), exitCode };
    case 'github':
      return { stdout: renderReplayGithub(report), exitCode };
    default:
      return { stdout: renderReplayText(report, paint(colorWanted(process.stdout))), exitCode };
  }
}

/** A side with errors is not replayed: its chains would not be what a gateway runs. */
function refused(side: Extract<LoadedSide, { ok: false }>): CommandResult {
  const listed = renderDiagnostics(side.diagnostics, 'text', { files: 0, color: false });
  return { stderr: `error: the manifests of ${side.label} are invalid; nothing was replayed\n${listed}`, exitCode: 1 };
}
