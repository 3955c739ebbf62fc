// Plain-text and markdown tables for benchmark reports.

/** columns: [{ key, title, align?: 'left'|'right', format?: (value, row) => string }] */
export function formatTable(rows, columns) {
  const cells = rows.map((row) =>
    columns.map((c) => (c.format ? c.format(row[c.key], row) : String(row[c.key] ?? ''))),
  );
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => r[i].length)));
  const pad = (text, i) =>
    (columns[i].align ?? (i === 0 ? 'left' : 'right')) === 'left' ? text.padEnd(widths[i]) : text.padStart(widths[i]);
  const line = (values) => values.map(pad).join('  ');
  return [line(columns.map((c) => c.title)), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join(
    '\n',
  );
}

/** The same table as GitHub markdown (to paste into bench/README.md). */
export function formatMarkdownTable(rows, columns) {
  const cells = rows.map((row) =>
    columns.map((c) => (c.format ? c.format(row[c.key], row) : String(row[c.key] ?? ''))),
  );
  const head = `| ${columns.map((c) => c.title).join(' | ')} |`;
  const rule = `| ${columns.map((c, i) => ((c.align ?? (i === 0 ? 'left' : 'right')) === 'left' ? '---' : '---:')).join(' | ')} |`;
  return [head, rule, ...cells.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

export const fmt = {
  int: (v) => (v === undefined || Number.isNaN(v) ? '-' : Math.round(v).toLocaleString('en-US')),
  ms: (v) => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(2)} ms`),
  us: (v) => (v === undefined || Number.isNaN(v) ? '-' : `${v.toFixed(1)} µs`),
  ratio: (v) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(2)),
};

/** The median; the mean of the two middle values for an even count. */
export function median(values) {
  const s = [...values].sort((x, y) => x - y);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}
