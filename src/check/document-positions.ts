import { LineCounter, parseAllDocuments } from 'yaml';
import type { ManifestSet } from '../manifest/types.js';
import type { SourceDocument } from '../manifest/source.js';

type Syntax = ReturnType<SourceDocument['syntax']>;

/** A line that starts a YAML document: `---` at column 0, alone or followed by a space. */
const DOCUMENT_MARKER = /^---(\s|$)/;

/** Index of the first line of each document of a file, in order. */
function documentStarts(lines: readonly string[]): number[] {
  const markers: number[] = [];
  lines.forEach((line, i) => {
    if (DOCUMENT_MARKER.test(line)) markers.push(i);
  });
  // Before the first marker there is a document only if something other than comments, blank lines and directives is there.
  const implicit = lines.slice(0, markers[0] ?? lines.length).some((l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.startsWith('%'));
  return implicit ? [0, ...markers] : markers;
}

/**
 * Positions for one document of a multi-document file, parsed alone: the
 * lines before it are kept as empty lines, so lines and columns come out as
 * in the whole file. A pull request touches a few documents of large files,
 * and parsing each whole file with positions costs more than all the rest of
 * `check`. Anything unexpected falls back to the whole-file parse.
 */
function documentSyntax(text: string, source: SourceDocument): () => Syntax {
  let parsed: Syntax | undefined;
  return () => {
    if (parsed) return parsed;
    const lines = text.split('\n');
    const starts = documentStarts(lines);
    const start = starts[source.index];
    const name = (source.value as { metadata?: { name?: unknown } } | null)?.metadata?.name;
    if (start !== undefined) {
      const lineCounter = new LineCounter();
      const own = lines.slice(start, starts[source.index + 1] ?? lines.length).join('\n');
      const docs = parseAllDocuments('\n'.repeat(start) + own, { lineCounter, uniqueKeys: true, prettyErrors: false });
      const ast = Array.isArray(docs) ? docs[0] : undefined;
      if (ast && ast.errors.length === 0 && ast.getIn(['metadata', 'name']) === name) return (parsed = { ast, lineCounter });
    }
    return (parsed = source.syntax());
  };
}

/** Gives every manifest of `set` positions that parse only its own document (texts: file → text). */
export function usePerDocumentPositions(set: ManifestSet, texts: ReadonlyMap<string, string>): void {
  for (const manifest of [...set.environments, ...set.apis, ...set.applications]) {
    const text = texts.get(manifest.source.file);
    if (text === undefined) continue;
    manifest.source = { ...manifest.source, syntax: documentSyntax(text, manifest.source) };
  }
}
