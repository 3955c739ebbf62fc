import { ErrorCatalog, type ErrorCode, type Severity } from './catalog.js';

/** Where something is in a manifest: 1-based line and column. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
}

/** One reported problem, positioned in the manifests when it has a place there. */
export interface Diagnostic {
  code: ErrorCode;
  severity: Severity;
  message: string;
  rule: string;
  file?: string;
  line?: number;
  col?: number;
  /** JSON path inside the document, e.g. spec.policies[2].config.ips[0]. */
  path?: string;
}

export function diagnostic(code: ErrorCode, message: string, where?: SourcePosition, path?: string): Diagnostic {
  const entry = ErrorCatalog[code];
  const d: Diagnostic = { code, severity: entry.severity, message, rule: entry.rule };
  if (where) {
    d.file = where.file;
    d.line = where.line;
    d.col = where.col;
  }
  if (path !== undefined) d.path = path;
  return d;
}

/** Stable order: by file, line, column, then code. */
export function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

export type PathSegment = string | number;

/** spec.policies[2].config → the form users read in messages. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}
