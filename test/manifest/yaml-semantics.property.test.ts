import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { parseManifestText, takesFastPath } from '../../src/manifest/source.js';
import { CORE_JSYAML_SCHEMA, CORE_YAML, stringifyKeys } from '../../src/manifest/yaml-core.js';

/**
 * One YAML semantics: whichever reader a file goes through (js-yaml for the
 * fast path, `yaml` for files with an `&` or an error), it yields the values
 * of one YAML 1.2 core-schema reading. Differential: generated scalars and
 * documents, read by both readers, must agree value for value (NaN and -0
 * included); and a file must mean the same with and without a comment that
 * holds an `&`.
 */

/** Plain scalars where the YAML 1.1 / 1.2 / js-yaml readings part ways. */
const TRICKY = [
  '0b101',
  '0B101',
  '0o17',
  '0O17',
  '0x1F',
  '0X1F',
  '+0x1F',
  '-0x1F',
  '0o8',
  '0xG',
  '017',
  '08',
  '-0',
  '+0',
  '0',
  '+12',
  '-12',
  '1_000',
  '1__0',
  '.5',
  '-.5',
  '+.5',
  '5.',
  '-5.',
  '1.5e3',
  '1.5E-3',
  '1e3',
  '-1e3',
  '.5e1',
  '1e',
  'e1',
  '1.2.3',
  '.inf',
  '-.inf',
  '+.inf',
  '.Inf',
  '.INF',
  '.iNf',
  '.nan',
  '.NaN',
  '.NAN',
  '-.nan',
  'inf',
  'nan',
  '~',
  'null',
  'Null',
  'NULL',
  'nUll',
  'true',
  'True',
  'TRUE',
  'tRue',
  'false',
  'False',
  'FALSE',
  'yes',
  'Yes',
  'YES',
  'no',
  'No',
  'NO',
  'on',
  'off',
  'On',
  'Off',
  'y',
  'n',
  'Y',
  'N',
  '2001-12-14',
  '2001-12-14t21:59:43.10-05:00',
  '2001-12-14 21:59:43.10 -5',
  '12:30:00',
  '1:30',
  '190:20:30',
  '12345678901234567890',
  '0x7fffffffffffffff',
  '1.0',
  '1.10',
  '0.0',
  '00',
  '0x',
  '0o',
  '+',
  '-',
  '.',
  '..',
];

const digits = fc.stringMatching(/^[0-9]{1,6}$/);
/** Number-like plain scalars built from parts: signs, radix prefixes, dots, exponents, underscores. */
const numberLike = fc
  .tuple(
    fc.constantFrom('', '+', '-'),
    fc.constantFrom('', '0b', '0o', '0x', '0B', '0O', '0X'),
    digits,
    fc.constantFrom('', '.', '.5', '_0', 'e3', 'E-2', 'e+1'),
    fc.constantFrom('', '0', 'f', 'F'),
  )
  .map((parts) => parts.join(''));
const word = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9 ._/-]{0,12}[a-zA-Z0-9]$/);
const plain = fc.oneof(fc.constantFrom(...TRICKY), numberLike, word);

/** A scalar as it is written: plain, quoted, or a block scalar (which needs its own lines: rendered by `block`). */
type Written = { kind: 'inline'; text: string } | { kind: 'block'; indicator: string; lines: string[] };
const written: fc.Arbitrary<Written> = fc.oneof(
  { weight: 6, arbitrary: plain.map((text) => ({ kind: 'inline' as const, text })) },
  { weight: 2, arbitrary: plain.map((text) => ({ kind: 'inline' as const, text: `'${text.replace(/'/g, "''")}'` })) },
  { weight: 2, arbitrary: plain.map((text) => ({ kind: 'inline' as const, text: JSON.stringify(text) })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('|', '>', '|-', '>-', '|+', '>+'), fc.array(plain, { minLength: 1, maxLength: 3 }))
      .map(([indicator, lines]) => ({ kind: 'block' as const, indicator, lines })),
  },
);
const key = fc.oneof(
  plain,
  plain.map((t) => JSON.stringify(t)),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/),
);

interface Tree {
  kind: 'map' | 'seq' | 'flow-map' | 'flow-seq' | 'scalar';
  entries?: { key: string; value: Tree }[];
  items?: Tree[];
  scalar?: Written;
}

const tree: fc.Arbitrary<Tree> = fc.letrec<{ node: Tree }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    written.map((scalar) => ({ kind: 'scalar' as const, scalar })),
    fc
      .array(fc.record({ key, value: tie('node') }), { minLength: 1, maxLength: 4 })
      .map((entries) => ({ kind: 'map' as const, entries })),
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'seq' as const, items })),
    fc
      .array(
        fc.record({
          key,
          value: plain.map((text) => ({ kind: 'scalar' as const, scalar: { kind: 'inline' as const, text } })),
        }),
        { minLength: 1, maxLength: 3 },
      )
      .map((entries) => ({ kind: 'flow-map' as const, entries })),
    fc
      .array(
        plain.map((text) => ({ kind: 'scalar' as const, scalar: { kind: 'inline' as const, text } })),
        { minLength: 1, maxLength: 3 },
      )
      .map((items) => ({ kind: 'flow-seq' as const, items })),
  ),
})).node;

/** Block YAML for a tree: `value` is what follows `key:` or `- ` on the same line, `lines` what goes below it. */
function render(node: Tree, indent: number): { value: string; lines: string[] } {
  const pad = ' '.repeat(indent);
  switch (node.kind) {
    case 'scalar': {
      const s = node.scalar as Written;
      if (s.kind === 'inline') return { value: s.text, lines: [] };
      return { value: s.indicator, lines: s.lines.map((l) => `${pad}  ${l}`) };
    }
    case 'flow-map':
      return {
        value: `{ ${(node.entries ?? []).map((e) => `${e.key}: ${render(e.value, 0).value}`).join(', ')} }`,
        lines: [],
      };
    case 'flow-seq':
      return { value: `[ ${(node.items ?? []).map((i) => render(i, 0).value).join(', ')} ]`, lines: [] };
    case 'map': {
      const lines: string[] = [];
      for (const e of node.entries ?? []) {
        const child = render(e.value, indent + 2);
        const nested = e.value.kind === 'map' || e.value.kind === 'seq';
        lines.push(nested ? `${pad}${e.key}:` : `${pad}${e.key}: ${child.value}`, ...child.lines);
      }
      return { value: '', lines };
    }
    case 'seq': {
      const lines: string[] = [];
      for (const item of node.items ?? []) {
        const child = render(item, indent + 2);
        const nested = item.kind === 'map' || item.kind === 'seq';
        lines.push(nested ? `${pad}-` : `${pad}- ${child.value}`, ...child.lines);
      }
      return { value: '', lines };
    }
  }
}

function documentText(node: Tree): string {
  if (node.kind === 'map' || node.kind === 'seq') return render(node, 0).lines.join('\n');
  const r = render(node, 0);
  return [`v: ${r.value}`, ...r.lines].join('\n');
}

const file = fc
  .array(tree, { minLength: 1, maxLength: 3 })
  .map((docs) => docs.map((d) => `---\n${documentText(d)}\n`).join(''));

/** js-yaml with the project's core schema; undefined where it refuses the text. */
function readJsyaml(text: string): unknown[] | undefined {
  try {
    return jsyaml.loadAll(text, undefined, { schema: CORE_JSYAML_SCHEMA });
  } catch {
    return undefined;
  }
}

/** `yaml` as the positions path reads; undefined where it reports an error. */
function readYaml(text: string): unknown[] | undefined {
  const docs = parseAllDocuments(text, { ...CORE_YAML, prettyErrors: false, strict: true, logLevel: 'error' });
  const all = Array.isArray(docs) ? docs : [docs];
  if (all.some((d) => d.errors.length > 0)) return undefined;
  try {
    return all.map((d) => {
      stringifyKeys(d);
      return d.toJS({ maxAliasCount: 100 });
    });
  } catch {
    return undefined;
  }
}

/** Deep equality where NaN equals NaN and -0 differs from 0 (Object.is at the leaves). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (
    typeof a === 'object' &&
    typeof b === 'object' &&
    a !== null &&
    b !== null &&
    !Array.isArray(a) &&
    !Array.isArray(b)
  ) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return (
      ka.length === kb.length &&
      ka.every((k, i) => k === kb[i] && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
    );
  }
  return false;
}

const values = (text: string) =>
  parseManifestText('m.yaml', text).documents.map((d) => ({ index: d.index, value: d.value }));

describe('one YAML semantics (YAML 1.2 core schema) on both reading paths', () => {
  it('reads each tricky plain scalar as the other reader does, as a value and as a key', () => {
    for (const s of TRICKY) {
      for (const text of [`v: ${s}\n`, `${s}: v\n`, `- ${s}\n`, `v: [${s}]\n`]) {
        const a = takesFastPath(text) ? readJsyaml(text) : undefined;
        const b = readYaml(text);
        if (a && b)
          expect(same(a, b), `${JSON.stringify(text)}: js-yaml ${JSON.stringify(a)} vs yaml ${JSON.stringify(b)}`).toBe(
            true,
          );
      }
    }
  });

  it('agrees on generated documents (scalars of every style, keys, nesting, several documents)', () => {
    let compared = 0;
    fc.assert(
      fc.property(file, (text) => {
        // What the fast path reads must read as `yaml` reads it (the rest goes through `yaml` itself).
        const a = takesFastPath(text) ? readJsyaml(text) : undefined;
        const b = readYaml(text);
        if (!a || !b) return true;
        compared++;
        return same(a, b);
      }),
      { numRuns: 1500, seed: 20_261_201 },
    );
    // Most generated files are valid YAML: the comparison above is not vacuous.
    expect(compared).toBeGreaterThan(750);
  });

  it('a file means the same with and without a comment holding an `&` (which sends it down the other path)', () => {
    fc.assert(
      fc.property(file, (text) => {
        const fast = values(text);
        const slow = values(`${text}# R&D owns this file\n`);
        return same(fast, slow);
      }),
      { numRuns: 600, seed: 20_261_202 },
    );
  });

  it('the case from the issue: maximumRequests 0b101 is a string with or without the comment, so the same schema error', () => {
    const doc = (comment: string) => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }${comment}
spec:
  version: v1
  basePath: /orders
  upstream: http://127.0.0.1:9/
  environments: [sandbox]
  policies:
    - name: limit
      type: rate-limiting
      config:
        rateLimits: [{ maximumRequests: 0b101, timePeriodInMilliseconds: 1000 }]
`;
    const plainFile = loadManifestTexts([{ file: 'orders.yaml', text: doc('') }]);
    const commented = loadManifestTexts([{ file: 'orders.yaml', text: doc('  # R&D owns this file') }]);
    const summary = (r: typeof plainFile) => r.diagnostics.map((d) => `${d.line}:${d.col} ${d.code} ${d.message}`);
    expect(summary(plainFile)).toEqual(summary(commented));
    expect(summary(plainFile).join('\n')).toMatch(/maximumRequests.*integer|integer/);
    // And what each reader makes of the value itself.
    expect(values('v: 0b101\n')[0]?.value).toEqual({ v: '0b101' });
    expect(values('v: -.5\nw: .inf\nx: ~\ny: yes\nz: 0o17\n')[0]?.value).toEqual({
      v: -0.5,
      w: Infinity,
      x: null,
      y: 'yes',
      z: 15,
    });
    expect(values('%YAML 1.1\n---\nv: yes\n')[0]?.value).toEqual({ v: 'yes' });
  });

  it('keys become the same strings on both paths (null, numbers, quoted), and keys equal as strings are duplicates on both', () => {
    const text = '~: a\n0x10: b\n"1": c\n.5: d\n';
    expect(values(text)).toEqual(values(`${text}# &\n`));
    expect(values(text)[0]?.value).toEqual({ null: 'a', '16': 'b', '1': 'c', '0.5': 'd' });
    for (const t of ['1: a\n"1": b\n', '~: a\nnull: b\n']) {
      expect(parseManifestText('m.yaml', t).diagnostics.map((d) => d.code)).toEqual(['TG_YAML_SYNTAX']);
      expect(parseManifestText('m.yaml', `${t}# &\n`).diagnostics.map((d) => d.code)).toEqual(['TG_YAML_SYNTAX']);
    }
  });
});
