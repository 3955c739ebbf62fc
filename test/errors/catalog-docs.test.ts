import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as catalogModule from '../../src/errors/catalog.js';
import { ErrorCatalog, TollgateError, type ErrorCode } from '../../src/errors/catalog.js';

// As fastify's test/internals/errors.test.js holds lib/errors.js to docs/Reference/Errors.md:
// every code documented, no documented code that does not exist, both ways.
const root = path.resolve(import.meta.dirname, '../..');
const docsFile = path.join(root, 'docs/errors.md');
const docs = readFileSync(docsFile, 'utf8');
const codes = Object.keys(ErrorCatalog) as ErrorCode[];

interface Entry {
  code: string;
  severity: string;
  means: string;
  todo: string;
}

/** The `### \`TG_…\`` sections of docs/errors.md: severity line, **Means:** and **Do:** paragraphs. */
function entries(text: string): Entry[] {
  const sections = text.split(/^### /m).slice(1);
  return sections.map((section) => {
    const [heading = '', ...lines] = section.split('\n');
    const body = lines.join('\n').split(/^## /m)[0] as string;
    const paragraphs = body.split(/\n\s*\n/).map((p) => p.trim().replace(/\s+/g, ' '));
    return {
      code: heading.trim().replace(/^`|`$/g, ''),
      severity: (paragraphs[0] ?? '').split(' · ')[0] as string,
      means:
        paragraphs
          .find((p) => p.startsWith('**Means:**'))
          ?.slice('**Means:**'.length)
          .trim() ?? '',
      todo:
        paragraphs
          .find((p) => p.startsWith('**Do:**'))
          ?.slice('**Do:**'.length)
          .trim() ?? '',
    };
  });
}

/** Every TG_ code a text names (not `TG_…` placeholders). */
function namedCodes(text: string): string[] {
  return [...new Set(text.match(/\bTG_[A-Z0-9_]*[A-Z0-9]\b/g) ?? [])];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

describe('the error catalog and docs/errors.md', () => {
  const documented = entries(docs);

  it('documents every code of the catalog', () => {
    const missing = codes.filter((code) => !documented.some((e) => e.code === code));
    expect(missing, 'codes of src/errors/catalog.ts with no entry in docs/errors.md').toEqual([]);
  });

  it('documents no code the catalog does not have, and each code once', () => {
    const headings = documented.map((e) => e.code);
    expect(
      headings.filter((code) => !(code in ErrorCatalog)),
      'entries of docs/errors.md for codes that do not exist',
    ).toEqual([]);
    expect(
      headings.filter((code, i) => headings.indexOf(code) !== i),
      'codes documented twice',
    ).toEqual([]);
  });

  it('says for every code what it means and what to do, at the severity of the catalog', () => {
    for (const entry of documented) {
      expect(entry.means.length, `${entry.code}: **Means:**`).toBeGreaterThan(20);
      expect(entry.todo.length, `${entry.code}: **Do:**`).toBeGreaterThan(5);
      expect(entry.severity, `${entry.code}: severity`).toBe(ErrorCatalog[entry.code as ErrorCode]?.severity);
    }
  });

  it('names, in the README and every page of docs/, only codes that exist', () => {
    const pages = [
      'README.md',
      ...readdirSync(path.join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    for (const page of pages) {
      const unknown = namedCodes(readFileSync(path.join(root, page), 'utf8')).filter((code) => !(code in ErrorCatalog));
      expect(unknown, `${page} names codes that src/errors/catalog.ts does not have`).toEqual([]);
    }
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('docs/errors.md');
  });

  it('raises from the source only codes of the catalog', () => {
    const unknown = sourceFiles(path.join(root, 'src')).flatMap((file) =>
      namedCodes(readFileSync(file, 'utf8'))
        .filter((code) => !(code in ErrorCatalog))
        .map((code) => `${path.relative(root, file)}: ${code}`),
    );
    expect(unknown).toEqual([]);
  });

  it('holds every error class of its own: each is a TollgateError with a code of the catalog', () => {
    const classes = Object.entries(catalogModule).filter(
      ([, value]) =>
        typeof value === 'function' && (value === TollgateError || value.prototype instanceof TollgateError),
    );
    expect(classes.map(([name]) => name).sort()).toEqual([
      'ExpressionError',
      'NodeUnreachableError',
      'PolicyCompileError',
      'SelectorError',
      'TollgateError',
    ]);
    const samples = [
      new catalogModule.NodeUnreachableError('n', 'http://127.0.0.1:1', 'refused'),
      new catalogModule.PolicyCompileError('a', 'p', 'bad'),
      new catalogModule.ExpressionError('bad', 0),
      new catalogModule.SelectorError('bad'),
    ];
    for (const error of samples) expect(error.code in ErrorCatalog, error.name).toBe(true);
    // No error class outside the catalog: src/ declares none but these.
    const declared = sourceFiles(path.join(root, 'src')).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends \w*Error\b/g)].map(
        (m) => `${path.relative(root, file)}: ${m[1]}`,
      ),
    );
    expect(
      declared.every((d) => d.startsWith(path.join('src', 'errors', 'catalog.ts'))),
      declared.join('\n'),
    ).toBe(true);
  });
});
