import { request } from 'undici';
import { colorWanted, paint } from '../output/color.js';
import { unhealthyConditions, type ReconcilerStatus } from '../reconcile/status.js';
import type { CommandSpec } from './command.js';
import { OUTPUT } from './options.js';
import type { CommandResult } from './result.js';

export const statusSpec: CommandSpec = {
  name: 'status',
  description:
    'Show what a running `tollgate reconcile` reports: revisions, conditions, drift and recent reconciliations.',
  options: [
    {
      long: 'url',
      value: '<url>',
      kind: 'string',
      default: 'http://127.0.0.1:8090',
      description: 'status API of the reconciler',
    },
    OUTPUT(['text', 'json']),
  ],
  help: 'Exit codes: 0 Ready and not Stalled, 1 not Ready, Stalled, or unreachable.\n\nExamples:\n  $ tollgate status\n  $ tollgate status --url http://10.0.0.5:8090 --output json',
  run: ({ flags }) => runStatus(flags as unknown as { url: string; output: 'text' | 'json' }),
};

async function runStatus(flags: { url: string; output: 'text' | 'json' }): Promise<CommandResult> {
  let answer: { statusCode: number; text: string };
  try {
    const res = await request(new URL('/status', flags.url), { headersTimeout: 5000, bodyTimeout: 5000 });
    answer = { statusCode: res.statusCode, text: await res.body.text() };
  } catch (err) {
    return { stderr: `error: reconciler at ${flags.url} unreachable: ${(err as Error).message}\n`, exitCode: 1 };
  }
  const status = answer.statusCode === 200 ? parseStatus(answer.text) : undefined;
  if (!status)
    return {
      stderr: `error: ${flags.url} answered ${answer.statusCode} without a reconciler status; is it the --listen address of tollgate reconcile?\n`,
      exitCode: 1,
    };
  // Not Ready, or Stalled: exit 1 either way, so scripts and probes see every bad condition.
  const problems = unhealthyConditions(status.conditions);
  const exitCode = problems.length ? 1 : 0;
  if (flags.output === 'json') return { stdout: JSON.stringify(status, null, 2) + '\n', exitCode };
  const p = paint(colorWanted(process.stdout));
  const verdict = problems.length ? p.red(`unhealthy: ${problems.join('; ')}`) : p.green('healthy: Ready, not stalled');
  return { stdout: renderStatus(status, p) + verdict + '\n', exitCode };
}

function parseStatus(text: string): ReconcilerStatus | undefined {
  try {
    const body = JSON.parse(text) as Partial<ReconcilerStatus> | null;
    return typeof body === 'object' &&
      body !== null &&
      Array.isArray(body.conditions) &&
      typeof body.source === 'object'
      ? (body as ReconcilerStatus)
      : undefined;
  } catch {
    return undefined;
  }
}

function renderStatus(status: ReconcilerStatus, p: ReturnType<typeof paint>): string {
  const lines = [
    p.bold(`environment ${status.environment} ← ${status.source.description}`),
    `  last applied:   ${status.lastAppliedRevision ?? '(none)'}`,
    `  last attempted: ${status.lastAttemptedRevision ?? '(none)'}`,
  ];
  if (status.leader)
    lines.push(
      `  leader:         ${status.leader.leader ?? '(none)'}${status.leader.isLeader ? ' (this reconciler)' : ''}`,
    );
  lines.push('  conditions:');
  for (const c of status.conditions) {
    const mark =
      c.type === 'Stalled'
        ? c.status
          ? p.red('✗')
          : p.green('✓')
        : c.status
          ? p.green('✓')
          : c.type === 'Reconciling'
            ? '·'
            : p.red('✗');
    lines.push(`    ${mark} ${c.type.padEnd(11)} ${c.reason}${c.message ? ` — ${c.message}` : ''}`);
  }
  lines.push('  nodes:');
  for (const [name, node] of Object.entries(status.nodes)) {
    const drift = node.drift?.detected
      ? p.yellow(`drift: ${node.drift.changes.length} change(s)`)
      : node.drift
        ? 'in sync'
        : 'not checked yet';
    const last = node.lastResult
      ? `${node.lastResult.result}${node.lastResult.gatewayRevision === undefined ? '' : ` @ gateway revision ${node.lastResult.gatewayRevision}`}${node.lastResult.error ? ` — ${node.lastResult.error}` : ''}`
      : '';
    lines.push(`    ${name}: ${last}; ${drift}`);
  }
  lines.push('  history:');
  for (const h of status.history) {
    lines.push(
      `    ${h.startedAt}  ${(h.revision ?? '?').slice(0, 19).padEnd(19)}  ${h.result.padEnd(12)} ${String(h.durationMs).padStart(6)} ms  ${h.changes} change(s)  (${h.trigger})${h.error ? ` — ${h.error}` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}
