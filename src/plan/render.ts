import type { Painter } from '../output/color.js';
import { plural } from '../output/diagnostics.js';
import { certificateView } from './certificate-view.js';
import type { Change, FieldChange, Plan } from './types.js';
import { tableCell } from '../output/markdown.js';

export interface NodePlanView {
  node: string;
  revision?: number;
  plan?: Plan;
  error?: string;
}

const SYMBOL: Record<Change['kind'], string> = {
  'update-environment': '~',
  'create-api': '+',
  'delete-api': '-',
  'update-api': '~',
  'add-policy': '+',
  'remove-policy': '-',
  'update-policy': '~',
  'enable-policy': '~',
  'disable-policy': '~',
  'reorder-chain': '↕',
  'create-application': '+',
  'delete-application': '-',
  'update-application': '~',
  'create-certificate': '+',
  'delete-certificate': '-',
  'update-certificate': '~',
};

export function describeChange(c: Change): string {
  switch (c.kind) {
    case 'update-environment':
      return 'environment settings';
    case 'create-api':
      return `create api ${c.api} (${c.after.basePath} → ${c.after.upstream}, ${plural(c.after.chain.length, 'policy', 'policies')})`;
    case 'delete-api':
      return `delete api ${c.api} (${c.before.basePath})`;
    case 'update-api':
      return `update api ${c.api}`;
    case 'add-policy':
      return `add policy ${c.api}/${c.policy} (${c.type})`;
    case 'remove-policy':
      return `remove policy ${c.api}/${c.policy} (${c.type})`;
    case 'update-policy':
      return `update policy ${c.api}/${c.policy} (${c.type})`;
    case 'enable-policy':
      return `enable policy ${c.api}/${c.policy} (${c.type})`;
    case 'disable-policy':
      return `disable policy ${c.api}/${c.policy} (${c.type})`;
    case 'reorder-chain':
      return `reorder chain of ${c.api}: ${c.before.join(' → ')}  ⇒  ${c.after.join(' → ')}`;
    case 'create-application':
      return `create application ${c.application} (${plural(c.after.contracts.length, 'contract')})`;
    case 'delete-application':
      return `delete application ${c.application}`;
    case 'update-application':
      return `update application ${c.application}`;
    case 'create-certificate':
      return `create certificate ${c.certificate} (${c.after.hosts.join(', ')}; ${certificateView(c.after.certificate)})`;
    case 'delete-certificate':
      return `delete certificate ${c.certificate} (${c.before.hosts.join(', ')})`;
    case 'update-certificate':
      return `update certificate ${c.certificate}`;
  }
}

export function changeFields(c: Change): FieldChange[] {
  return 'fields' in c ? c.fields : [];
}

export function formatValue(value: unknown): string {
  if (value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function totals(plan: Plan): string {
  const count = (kinds: string[]) => plan.changes.filter((c) => kinds.includes(c.kind)).length;
  const add = count(['create-api', 'add-policy', 'create-application', 'create-certificate']);
  const del = count(['delete-api', 'remove-policy', 'delete-application', 'delete-certificate']);
  const other = plan.changes.length - add - del;
  const skipped = plan.skipped.length ? `; ${plural(plan.skipped.length, 'deletion')} skipped (use --prune)` : '';
  return `${add} to add, ${other} to change, ${del} to delete${skipped}`;
}

export function renderPlansText(views: readonly NodePlanView[], p: Painter): string {
  const lines: string[] = [];
  for (const group of groupIdentical(views)) {
    const first = group[0]!;
    const revisions = group
      .map((v) => `${v.node}${v.revision === undefined ? '' : ` @ revision ${v.revision}`}`)
      .join(', ');
    lines.push(p.bold(`Environment ${first.plan?.environment ?? '?'} — ${revisions}`));
    if (first.error) {
      lines.push(p.red(`  error: ${first.error}`), '');
      continue;
    }
    const plan = first.plan!;
    if (plan.changes.length === 0) lines.push(p.green('  no changes: the gateway matches the manifests'));
    for (const c of plan.changes) {
      const symbol = SYMBOL[c.kind];
      const paint = symbol === '+' ? p.green : symbol === '-' ? p.red : p.yellow;
      lines.push(paint(`  ${symbol} ${describeChange(c)}`));
      for (const f of changeFields(c))
        lines.push(`      ${f.path}: ${formatValue(f.before)} → ${formatValue(f.after)}`);
    }
    for (const c of plan.skipped) lines.push(p.dim(`  = ${describeChange(c)} — kept: pass --prune to delete`));
    for (const e of plan.errors) lines.push(p.red(`  error: ${e}`));
    lines.push(`  Plan: ${totals(plan)}`, '');
  }
  return lines.join('\n');
}

export function renderPlansMarkdown(views: readonly NodePlanView[]): string {
  const lines: string[] = [];
  for (const group of groupIdentical(views)) {
    const first = group[0]!;
    lines.push(
      `### Environment \`${first.plan?.environment ?? '?'}\` — ${group.map((v) => `\`${v.node}\``).join(', ')}`,
      '',
    );
    if (first.error) {
      lines.push(`> **Error:** ${first.error}`, '');
      continue;
    }
    const plan = first.plan!;
    if (plan.changes.length === 0 && plan.skipped.length === 0) {
      lines.push('No changes.', '');
      continue;
    }
    lines.push('| | change | details |', '|---|---|---|');
    for (const c of plan.changes) {
      const details = changeFields(c)
        .map((f) => `\`${f.path}\`: ${tableCell(formatValue(f.before))} → ${tableCell(formatValue(f.after))}`)
        .join('<br>');
      lines.push(`| ${SYMBOL[c.kind]} | ${tableCell(describeChange(c))} | ${details} |`);
    }
    for (const c of plan.skipped) lines.push(`| = | ${tableCell(describeChange(c))} | kept: needs \`--prune\` |`);
    lines.push('');
    for (const e of plan.errors) lines.push(`> **Error:** ${tableCell(e)}`);
    lines.push(`**Plan:** ${totals(plan)}`, '');
  }
  return lines.join('\n');
}

/** Nodes that would get the same plan are shown once. */
function groupIdentical(views: readonly NodePlanView[]): NodePlanView[][] {
  const groups = new Map<string, NodePlanView[]>();
  for (const v of views) {
    const key = JSON.stringify(v.error ?? v.plan);
    groups.set(key, [...(groups.get(key) ?? []), v]);
  }
  return [...groups.values()];
}
