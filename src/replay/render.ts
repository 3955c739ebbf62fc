import { escapeData, plural } from '../output/diagnostics.js';
import type { Painter } from '../output/color.js';
import type { ChangeGroup, PolicyTotals, ReplayReport } from './report.js';
import type { ChangeKind } from './verdict.js';
import { tableCell } from '../output/markdown.js';

/** Groups shown in text and markdown (JSON has them all, each with up to three examples). */
const SHOWN_GROUPS = 20;

const CHANGE_WORDS: Record<ChangeKind, string> = {
  'newly-refused': 'newly refused',
  'newly-admitted': 'newly admitted',
  'refused-differently': 'refused differently',
  'newly-routed': 'newly routed to an API',
  'newly-unrouted': 'no longer routed (404)',
};

function decidedBy(g: Pick<ChangeGroup, 'policy' | 'change' | 'status'>): string {
  if (g.policy === null) return '';
  return g.change === 'newly-admitted'
    ? ` (${g.policy} answered ${g.status} at the base)`
    : ` (${g.status} by ${g.policy})`;
}

export function describeGroup(g: ChangeGroup): string {
  return `${g.api}: ${plural(g.requests, 'request')} of ${g.client} ${CHANGE_WORDS[g.change]}${decidedBy(g)}`;
}

export function describePolicyTotals(t: PolicyTotals): string {
  return `${t.api}: ${plural(t.requests, 'request')} of ${plural(t.clients, 'client')} ${CHANGE_WORDS[t.change]}${decidedBy(t)}`;
}

function share(n: number, of: number): string {
  if (of === 0) return '0%';
  const pct = (100 * n) / of;
  return `${pct < 0.1 && n > 0 ? '<0.1' : pct.toFixed(1)}%`;
}

export function replayHeadline(r: ReplayReport): string {
  const { requests, changed, newlyRefused, newlyAdmitted } = r.totals;
  if (changed === 0) return `${plural(requests, 'recorded request')} replayed: none changes verdict`;
  return `${plural(requests, 'recorded request')} replayed: ${changed} (${share(changed, requests)}) change verdict — ${newlyRefused} newly refused, ${newlyAdmitted} newly admitted`;
}

function recordsLine(r: ReplayReport): string {
  const span = r.records.from === null ? 'no records' : `${r.records.from} → ${r.records.to}`;
  const extra = [
    r.records.skipped ? `${plural(r.records.skipped, 'line')} skipped` : '',
    r.records.late ? `${r.records.late} out of order beyond the reorder window` : '',
    r.records.otherEnvironments ? `${r.records.otherEnvironments} of other environments left out` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${r.records.files.join(', ')} (${span}${extra ? `; ${extra}` : ''})`;
}

export function renderReplayText(r: ReplayReport, p: Painter): string {
  const lines = [
    p.bold(`tollgate replay: ${r.base} → ${r.head}`),
    `records: ${recordsLine(r)}`,
    '',
    r.totals.changed ? p.yellow(replayHeadline(r)) : p.green(replayHeadline(r)),
  ];
  if (r.apis.some((a) => a.changed)) {
    lines.push('', p.bold('Per API'));
    for (const a of r.apis.filter((x) => x.changed))
      lines.push(
        `  ${a.api}: ${a.changed} of ${a.requests} change (${a.newlyRefused} newly refused, ${a.newlyAdmitted} newly admitted)`,
      );
  }
  const tint = (change: ChangeGroup['change']) =>
    change === 'newly-refused' ? p.red : change === 'newly-admitted' ? p.yellow : (s: string) => s;
  if (r.policies.length) lines.push('', p.bold('Per policy'));
  for (const t of r.policies) lines.push(tint(t.change)(`  ${describePolicyTotals(t)}`));
  if (r.changes.length) lines.push('', p.bold('Per client (largest first)'));
  for (const g of r.changes.slice(0, SHOWN_GROUPS)) {
    lines.push(tint(g.change)(`  ${describeGroup(g)}`));
    const e = g.examples[0];
    if (e) lines.push(p.dim(`      e.g. ${e.time} ${e.method} ${e.path}: ${e.base} → ${e.head}`));
  }
  if (r.changes.length > SHOWN_GROUPS)
    lines.push(p.dim(`  … and ${r.changes.length - SHOWN_GROUPS} more groups (--output json lists them all)`));
  for (const note of r.notes) lines.push('', p.dim(`note: ${note}`));
  for (const problem of r.records.problems)
    lines.push(p.dim(`skipped ${problem.file}:${problem.line}: ${problem.message}`));
  return lines.join('\n') + '\n';
}

export function renderReplayMarkdown(r: ReplayReport, environment?: string): string {
  const lines = [
    `### Replay of recorded traffic${environment ? `: ${environment}` : ''}`,
    '',
    `${replayHeadline(r)}.`,
    '',
    `Records: ${tableCell(recordsLine(r))}`,
    '',
  ];
  if (r.policies.length) {
    lines.push('| API | change | policy | requests | clients |', '|---|---|---|---:|---:|');
    for (const t of r.policies)
      lines.push(
        `| ${tableCell(t.api)} | ${CHANGE_WORDS[t.change]} | ${t.policy === null ? '' : `${tableCell(t.policy)} (${t.status})`} | ${t.requests} | ${t.clients} |`,
      );
    lines.push('');
  }
  if (r.changes.length) {
    lines.push(
      '<details><summary>Per client</summary>',
      '',
      '| API | client | change | policy | requests | example |',
      '|---|---|---|---|---:|---|',
    );
    for (const g of r.changes.slice(0, SHOWN_GROUPS)) {
      const e = g.examples[0];
      const example = e ? `\`${e.method} ${e.path}\` ${e.base} → ${e.head}` : '';
      lines.push(
        `| ${tableCell(g.api)} | ${tableCell(g.client)} | ${CHANGE_WORDS[g.change]} | ${g.policy === null ? '' : `${tableCell(g.policy)} (${g.status})`} | ${g.requests} | ${tableCell(example)} |`,
      );
    }
    if (r.changes.length > SHOWN_GROUPS)
      lines.push(`| … | | | | ${r.changes.slice(SHOWN_GROUPS).reduce((n, g) => n + g.requests, 0)} more | |`);
    lines.push('', '</details>', '');
  }
  for (const note of r.notes) lines.push(`> ${note}`, '');
  return lines.join('\n');
}

export function renderReplayJson(r: ReplayReport): string {
  return JSON.stringify(r, null, 2) + '\n';
}

/** Newly refused and newly admitted requests as warnings (at most 10), then the headline. */
export function renderReplayGithub(r: ReplayReport): string {
  const annotated = r.changes.filter((g) => g.change === 'newly-refused' || g.change === 'newly-admitted').slice(0, 10);
  const out = annotated.map((g) => `::warning title=tollgate replay::${escapeData(describeGroup(g))}\n`);
  return `${out.join('')}tollgate replay: ${replayHeadline(r)}\n`;
}
