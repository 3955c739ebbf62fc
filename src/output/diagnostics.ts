import type { Severity } from '../errors/catalog.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { paint, type Painter } from './color.js';

export type DiagnosticFormat = 'text' | 'json' | 'github';

export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  format: DiagnosticFormat,
  options: { files: number; color: boolean },
): string {
  if (format === 'json')
    return (
      JSON.stringify(
        { valid: !diagnostics.some((d) => d.severity === 'error'), files: options.files, diagnostics },
        null,
        2,
      ) + '\n'
    );
  if (format === 'github') return diagnostics.map(githubAnnotation).join('');
  return renderText(diagnostics, options.files, paint(options.color));
}

function where(d: Diagnostic): string {
  if (!d.file) return '';
  return d.line ? `${d.file}:${d.line}:${d.col}: ` : `${d.file}: `;
}

function renderText(diagnostics: readonly Diagnostic[], files: number, p: Painter): string {
  const lines: string[] = [];
  for (const d of diagnostics) {
    const label = severityLabel(d.severity, p);
    lines.push(`${where(d)}${label} ${p.dim(d.code)} ${d.message}`);
    lines.push(p.dim(`    rule: ${d.rule}`));
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.filter((d) => d.severity === 'warning').length;
  const notices = diagnostics.length - errors - warnings;
  const summary = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${notices ? `, ${plural(notices, 'notice')}` : ''} in ${plural(files, 'file')}`;
  lines.push(errors ? p.red(summary) : p.green(`valid: ${summary}`));
  return lines.join('\n') + '\n';
}

export function severityLabel(severity: Severity, p: Painter): string {
  return severity === 'error' ? p.red('error') : severity === 'warning' ? p.yellow('warning') : p.dim('notice');
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `::error file=..,line=..,col=..,title=..::message`, escaped as the runner expects. */
export function githubAnnotation(d: Diagnostic): string {
  const props = [
    d.file && `file=${escapeProperty(d.file)}`,
    d.line && `line=${d.line}`,
    d.col && `col=${d.col}`,
    `title=${escapeProperty(d.code)}`,
  ].filter(Boolean);
  return `::${d.severity} ${props.join(',')}::${escapeData(`${d.message} (rule: ${d.rule})`)}\n`;
}

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
