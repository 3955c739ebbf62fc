import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import jsyaml from 'js-yaml';
import { diagnostic, type Diagnostic, type PathSegment, type SourcePosition } from '../errors/diagnostic.js';
import { CORE_JSYAML_SCHEMA, CORE_YAML, stringifyKeys } from './yaml-core.js';

/** One YAML document of a manifest file, with what it takes to point back into it. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  value: unknown;
  /** The position-carrying syntax tree of this document, built on first use. */
  syntax(): { ast: Document.Parsed; lineCounter: LineCounter };
}

/** Aliases are expanded at most this often: a billion-laughs file fails instead of eating memory. */
const MAX_ALIAS_COUNT = 100;
/**
 * Files that take the `yaml` path even when valid: an anchor may be defined
 * (`&name`: that path bounds alias expansion), or a sequence entry is itself an
 * empty compact entry (`- -`), which js-yaml misreads (it folds the next entry
 * into the inner sequence; found by test/manifest/yaml-semantics.property.test.ts).
 */
const NEEDS_YAML_PATH = /&|^[ \t]*(?:-[ \t]+)+-[ \t]*(?:#.*)?\r?$/m;

/** Whether a valid file is read by js-yaml (else by `yaml`); exported for the differential test. */
export const takesFastPath = (text: string): boolean => !NEEDS_YAML_PATH.test(text);

/**
 * Parses a manifest file. Valid files take the fast path (js-yaml, about ten
 * times faster on large repositories); both paths read the YAML 1.2 core
 * schema the same way (yaml-core.ts), so a value never depends on which path a
 * file took (an `&` in a comment sends it down the other one); positions are
 * only needed for diagnostics, so the `yaml` syntax tree is built lazily, when
 * one is reported. Files with a syntax error or with anchors go through `yaml`
 * directly: it reports every error with its position and bounds aliases.
 */
export interface ParsedManifestText {
  documents: SourceDocument[];
  diagnostics: Diagnostic[];
  /** Documents with syntax errors whose kind and name could still be made out (to avoid cascading errors). */
  unreadable: { kind: string; name: string }[];
}

export function parseManifestText(file: string, text: string): ParsedManifestText {
  if (takesFastPath(text)) {
    let values: unknown[] | undefined;
    try {
      values = jsyaml.loadAll(text, undefined, { schema: CORE_JSYAML_SCHEMA, filename: file });
    } catch {
      values = undefined;
    }
    if (values) {
      const syntax = lazySyntax(text);
      const documents: SourceDocument[] = [];
      values.forEach((value, index) => {
        if (value !== null && value !== undefined)
          documents.push({ file, index, value, syntax: () => syntax(index, value) });
      });
      return { documents, diagnostics: [], unreadable: [] };
    }
  }
  return parseWithPositions(file, text);
}

type Syntax = ReturnType<SourceDocument['syntax']>;

/**
 * Positions of a file's documents, each built on first use from that document
 * alone (the lines before it kept as empty lines, so lines and columns are
 * those of the file): a diagnostic in a large file costs what its document
 * costs. Anything unexpected falls back to one parse of the whole file.
 */
function lazySyntax(text: string): (index: number, value: unknown) => Syntax {
  let lines: string[] | undefined;
  let starts: number[] | undefined;
  let whole: { docs: Document.Parsed[]; lineCounter: LineCounter } | undefined;
  const wholeFile = (index: number): Syntax => {
    if (!whole) {
      const lineCounter = new LineCounter();
      const docs = parseAllDocuments(text, { ...CORE_YAML, lineCounter, prettyErrors: false, logLevel: 'error' });
      for (const doc of Array.isArray(docs) ? docs : [docs]) stringifyKeys(doc);
      whole = { docs: Array.isArray(docs) ? docs : [docs], lineCounter };
    }
    const ast = whole.docs[index];
    if (!ast) throw new Error(`document ${index} not found when locating a diagnostic`);
    return { ast, lineCounter: whole.lineCounter };
  };
  const cache = new Map<number, Syntax>();
  return (index, value) => {
    const cached = cache.get(index);
    if (cached) return cached;
    lines ??= text.split('\n');
    starts ??= documentStarts(lines);
    const start = starts[index];
    let syntax: Syntax | undefined;
    if (start !== undefined && !lines.some(isDocumentEnd)) {
      const lineCounter = new LineCounter();
      const own = lines.slice(start, starts[index + 1] ?? lines.length).join('\n');
      const docs = parseAllDocuments('\n'.repeat(start) + own, {
        ...CORE_YAML,
        lineCounter,
        prettyErrors: false,
        logLevel: 'error',
      });
      const ast = Array.isArray(docs) && docs.length === 1 ? docs[0] : undefined;
      if (ast) stringifyKeys(ast);
      if (ast && ast.errors.length === 0 && sameIdentity(ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), value))
        syntax = { ast, lineCounter };
    }
    syntax ??= wholeFile(index);
    cache.set(index, syntax);
    return syntax;
  };
}

/** A line that starts a YAML document: `---` at column 0, alone or followed by white space. */
const DOCUMENT_MARKER = /^---(\s|$)/;
const isDocumentEnd = (line: string) => /^\.\.\.(\s|$)/.test(line);

/** Index of the first line of each document of a file, in order (js-yaml's document numbering). */
function documentStarts(lines: readonly string[]): number[] {
  const markers: number[] = [];
  lines.forEach((line, i) => {
    if (DOCUMENT_MARKER.test(line)) markers.push(i);
  });
  // Before the first marker there is a document only if something other than comments, blank lines and directives is there.
  const implicit = lines
    .slice(0, markers[0] ?? lines.length)
    .some((l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.startsWith('%'));
  return implicit || markers.length === 0 ? [0, ...markers] : markers;
}

/** The document parsed alone is the one js-yaml read: same kind and name (or the same scalar). */
function sameIdentity(parsed: unknown, value: unknown): boolean {
  if (typeof value !== 'object' || value === null || typeof parsed !== 'object' || parsed === null)
    return parsed === value;
  const a = parsed as { kind?: unknown; metadata?: { name?: unknown } };
  const b = value as { kind?: unknown; metadata?: { name?: unknown } };
  return a.kind === b.kind && a.metadata?.name === b.metadata?.name;
}

function parseWithPositions(file: string, text: string): ParsedManifestText {
  const lineCounter = new LineCounter();
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const unreadable: { kind: string; name: string }[] = [];
  const parsed = parseAllDocuments(text, {
    ...CORE_YAML,
    lineCounter,
    prettyErrors: false,
    strict: true,
    logLevel: 'error',
  });
  const all = Array.isArray(parsed) ? parsed : [parsed];
  all.forEach((ast, index) => {
    const problems = [...ast.errors];
    for (const err of problems) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      diagnostics.push(
        diagnostic(
          'TG_YAML_SYNTAX',
          describeYamlError(
            err.code,
            err.message,
            text.slice(err.pos[0], text.indexOf('\n', err.pos[0]) === -1 ? undefined : text.indexOf('\n', err.pos[0])),
          ),
          { file, line, col },
        ),
      );
    }
    if (problems.length > 0) {
      const named = nameOf(ast);
      if (named) unreadable.push(named);
      return;
    }
    if (ast.contents === null) return;
    stringifyKeys(ast);
    let value: unknown;
    try {
      value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const { line, col } = lineCounter.linePos(ast.contents.range[0]);
      diagnostics.push(
        diagnostic('TG_YAML_SYNTAX', `cannot read the document: ${(err as Error).message}`, { file, line, col }),
      );
      return;
    }
    // A document that is only a null (`--- ~`) is no document, on either path.
    if (value === null || value === undefined) return;
    documents.push({ file, index, value, syntax: () => ({ ast, lineCounter }) });
  });
  return { documents, diagnostics, unreadable };
}

/** Kind and name of a document that could not be read, when they can still be made out. */
function nameOf(ast: Document.Parsed): { kind: string; name: string } | undefined {
  try {
    const value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as {
      kind?: unknown;
      metadata?: { name?: unknown };
    } | null;
    if (typeof value?.kind === 'string' && typeof value.metadata?.name === 'string')
      return { kind: value.kind, name: value.metadata.name };
  } catch {
    /* nothing can be made out */
  }
  return undefined;
}

function describeYamlError(code: string, message: string, source: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') {
    const key = source.split(/[:\n]/)[0]?.trim();
    return key ? `duplicate key "${key}": a key may appear once per mapping` : `duplicate key: ${firstLine}`;
  }
  if (code === 'TAB_AS_INDENT' || /tab/i.test(firstLine))
    return `tabs are not allowed for indentation in YAML: ${firstLine}`;
  return firstLine;
}

/**
 * Position of the node at `path`, or of its closest existing ancestor.
 * With `key`, points at the mapping key rather than its value (unknown fields).
 */
export function locate(source: SourceDocument, path: readonly PathSegment[], key = false): SourcePosition {
  const { ast, lineCounter } = source.syntax();
  let node: unknown = ast.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    const next = child(node, seg);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
  }
  const target = key && keyNode ? keyNode : (node as Node | null);
  const offset = target?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { file: source.file, line, col };
}

/**
 * Position of character `offset` inside the string value at `path` (an
 * expression's bad token). Exact for single-line plain and quoted scalars;
 * elsewhere (block scalars, escapes before it) the scalar's start.
 */
export function locateInString(source: SourceDocument, path: readonly PathSegment[], offset: number): SourcePosition {
  const { ast, lineCounter } = source.syntax();
  let node: unknown = ast.contents;
  for (const seg of path) {
    const next = child(node, seg);
    if (!next) return locate(source, path);
    node = next.value;
  }
  if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return locate(source, path);
  const start = node.range[0];
  const text = node.value;
  let shift: number | undefined;
  if (node.type === 'PLAIN') shift = offset;
  else if (node.type === 'QUOTE_SINGLE') shift = 1 + offset + (text.slice(0, offset).split("'").length - 1);
  else if (node.type === 'QUOTE_DOUBLE' && !/["\\]/.test(text.slice(0, offset))) shift = 1 + offset;
  const begin = lineCounter.linePos(start);
  if (shift === undefined || text.slice(0, offset).includes('\n'))
    return { file: source.file, line: begin.line, col: begin.col };
  const at = lineCounter.linePos(start + shift);
  return { file: source.file, line: at.line, col: at.col };
}

function child(node: unknown, seg: PathSegment): { value: unknown; key?: Node } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(k) === String(seg)) {
        // A key with no value still has a position: point at the key.
        return { value: pair.value ?? pair.key, key: pair.key as Node };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof seg === 'number') {
    const item = node.items[seg];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}
