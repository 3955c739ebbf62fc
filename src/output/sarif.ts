import path from 'node:path';
import { ErrorCatalog, type ErrorCode, type Severity } from '../errors/catalog.js';
import type { Diagnostic } from '../errors/diagnostic.js';
import { VERSION } from '../version.js';

/** SARIF's levels for tollgate's severities. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', notice: 'note' };

export interface SarifOptions {
  /** Prefix of the file names, so that they are relative to the repository root (check knows where the current folder is in it). */
  base?: string;
  /** Where relative file names are relative to (default: the current folder). */
  cwd?: string;
}

/**
 * A SARIF 2.1.0 log of diagnostics (one run, tool "tollgate"), as GitHub code
 * scanning reads it: one rule per code with its rule text, one result per
 * diagnostic at its file, line and column (relative URIs, against %SRCROOT%).
 */
export function renderSarif(diagnostics: readonly Diagnostic[], options: SarifOptions = {}): string {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const index = new Map(codes.map((code, i) => [code, i]));
  const rules = codes.map((code) => ({
    id: code,
    name: ruleName(code),
    shortDescription: { text: code },
    fullDescription: { text: ErrorCatalog[code].rule },
    defaultConfiguration: { level: LEVEL[ErrorCatalog[code].severity] },
  }));
  const results = diagnostics.map((d) => {
    const result: Record<string, unknown> = {
      ruleId: d.code,
      ruleIndex: index.get(d.code),
      level: LEVEL[d.severity],
      message: { text: d.path ? `${d.message} (at ${d.path})` : d.message },
    };
    if (d.file !== undefined) {
      const region = d.line ? { startLine: d.line, ...(d.col ? { startColumn: d.col } : {}) } : undefined;
      result.locations = [
        { physicalLocation: { artifactLocation: artifact(d.file, options), ...(region ? { region } : {}) } },
      ];
    }
    return result;
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'tollgate', version: VERSION, semanticVersion: VERSION, rules } },
        columnKind: 'unicodeCodePoints',
        results,
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

/** A file relative to the source root (URI-encoded, forward slashes); a file outside it as a file:// URI. */
function artifact(file: string, options: SarifOptions): { uri: string; uriBaseId?: string } {
  const cwd = options.cwd ?? process.cwd();
  const absolute = path.resolve(cwd, file);
  const relative = path.relative(cwd, absolute);
  if (relative.startsWith('..') || path.isAbsolute(relative))
    return { uri: new URL(`file://${absolute.split(path.sep).join('/')}`).href };
  const posix = path.posix.join(options.base ?? '', relative.split(path.sep).join('/'));
  return { uri: posix.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/** TG_PLAINTEXT_SECRET → PlaintextSecret: SARIF's rule names are identifiers. */
function ruleName(code: ErrorCode): string {
  return code
    .replace(/^TG_/, '')
    .toLowerCase()
    .split('_')
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');
}
