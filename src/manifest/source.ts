import { LineCounter, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { diagnostic, type Diagnostic, type PathSegment, type SourcePosition } from '../errors/diagnostic.js';

/** One YAML document of a manifest file, with what it takes to point back into it. */
export interface SourceDocument {
  file: string;
  /** 0-based index of the document within its file. */
  index: number;
  value: unknown;
  ast: Document.Parsed;
  lineCounter: LineCounter;
}

/** Aliases are expanded at most this often: a billion-laughs file fails instead of eating memory. */
const MAX_ALIAS_COUNT = 100;

export function parseManifestText(file: string, text: string): { documents: SourceDocument[]; diagnostics: Diagnostic[] } {
  const lineCounter = new LineCounter();
  const documents: SourceDocument[] = [];
  const diagnostics: Diagnostic[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const all = Array.isArray(parsed) ? parsed : [parsed];
  all.forEach((ast, index) => {
    const problems = [...ast.errors];
    for (const err of problems) {
      const { line, col } = lineCounter.linePos(err.pos[0]);
      diagnostics.push(diagnostic('TG_YAML_SYNTAX', describeYamlError(err.code, err.message), { file, line, col }));
    }
    if (problems.length > 0 || ast.contents === null) return;
    let value: unknown;
    try {
      value = ast.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (err) {
      const { line, col } = lineCounter.linePos(ast.contents.range[0]);
      diagnostics.push(diagnostic('TG_YAML_SYNTAX', `cannot read the document: ${(err as Error).message}`, { file, line, col }));
      return;
    }
    documents.push({ file, index, value, ast, lineCounter });
  });
  return { documents, diagnostics };
}

function describeYamlError(code: string, message: string): string {
  const firstLine = message.split('\n')[0] ?? message;
  if (code === 'DUPLICATE_KEY') return `duplicate key: ${firstLine}`;
  if (code === 'TAB_AS_INDENT' || /tab/i.test(firstLine)) return `tabs are not allowed for indentation in YAML: ${firstLine}`;
  return firstLine;
}

/**
 * Position of the node at `path`, or of its closest existing ancestor.
 * With `key`, points at the mapping key rather than its value (unknown fields).
 */
export function locate(source: SourceDocument, path: readonly PathSegment[], key = false): SourcePosition {
  let node: unknown = source.ast.contents;
  let keyNode: Node | undefined;
  for (const seg of path) {
    const next = child(node, seg);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
  }
  const target = key && keyNode ? keyNode : (node as Node | null);
  const offset = target?.range?.[0] ?? 0;
  const { line, col } = source.lineCounter.linePos(offset);
  return { file: source.file, line, col };
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
