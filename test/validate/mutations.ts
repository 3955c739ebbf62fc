import { parseAllDocuments, stringify } from 'yaml';

/**
 * Mutations of manifest files for the validate fuzzer: structural ones on the
 * parsed documents (delete keys, change types, swap values, duplicate or empty
 * lists, odd scalars, unknown and prototype-polluting keys) and textual ones
 * on the file (truncate, drop/duplicate/swap lines, stray YAML syntax).
 */

/** A small deterministic PRNG (mulberry32): the same seed gives the same mutations. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Mutator {
  constructor(private readonly next: () => number) {}

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Mutates one file's text; returns the new text and what was done (for the failure report). */
  mutate(text: string): { text: string; what: string[] } {
    if (this.chance(0.3)) return this.textual(text);
    const values = documents(text);
    // A file already broken by an earlier mutation can only be broken further as text.
    if (!values) return this.textual(text);
    const what: string[] = [];
    const times = 1 + this.int(3);
    for (let i = 0; i < times && values.length > 0; i++) {
      const d = this.int(values.length);
      const root = { value: values[d] };
      what.push(`doc ${d}: ${this.structural(root)}`);
      values[d] = root.value;
    }
    if (this.chance(0.05)) {
      what.push('duplicate a document');
      values.push(structuredClone(this.pick(values)));
    }
    return { text: values.map((v) => stringify(v, { aliasDuplicateObjects: false })).join('---\n'), what };
  }

  private textual(text: string): { text: string; what: string[] } {
    const lines = text.split('\n');
    const at = this.int(lines.length);
    switch (this.int(8)) {
      case 0: {
        const cut = this.int(text.length + 1);
        return { text: text.slice(0, cut), what: [`truncate at ${cut}`] };
      }
      case 1:
        lines.splice(at, 1);
        return { text: lines.join('\n'), what: [`delete line ${at + 1}`] };
      case 2:
        lines.splice(at, 0, lines[at] ?? '');
        return { text: lines.join('\n'), what: [`duplicate line ${at + 1}`] };
      case 3: {
        const other = this.int(lines.length);
        [lines[at], lines[other]] = [lines[other] ?? '', lines[at] ?? ''];
        return { text: lines.join('\n'), what: [`swap lines ${at + 1} and ${other + 1}`] };
      }
      case 4: {
        const line = lines[at] ?? '';
        lines[at] = this.chance(0.5) ? `  ${line}` : line.replace(/^ {1,2}/, '');
        return { text: lines.join('\n'), what: [`re-indent line ${at + 1}`] };
      }
      case 5:
        return { text: '', what: ['empty file'] };
      case 6: {
        const replacement = this.pick([
          '- a\n- b\n',
          '42\n',
          '"just a string"\n',
          '[1, 2]\n',
          '---\n---\n',
          'null\n',
          '~\n',
        ]);
        return { text: replacement, what: [`replace with ${JSON.stringify(replacement)}`] };
      }
      default: {
        const offset = this.int(text.length + 1);
        const stray = this.pick(STRAY_SYNTAX);
        return {
          text: text.slice(0, offset) + stray + text.slice(offset),
          what: [`insert ${JSON.stringify(stray)} at ${offset}`],
        };
      }
    }
  }

  /** One structural mutation somewhere under root.value. */
  private structural(root: { value: unknown }): string {
    const paths = allPaths(root.value);
    const containers = paths.filter((p) => isContainer(get(root.value, p)));
    const path = this.chance(0.5) && containers.length > 0 ? this.pick(containers) : this.pick(paths);
    const shown = path.join('.') || '(root)';
    const value = get(root.value, path);
    const set = (next: unknown) => {
      if (path.length === 0) root.value = next;
      else setOwn(get(root.value, path.slice(0, -1)), path[path.length - 1] as string | number, next);
    };
    // Deleting keys is the most telling mutation: it is chosen more often than the others.
    switch (this.chance(0.2) ? 0 : this.int(9)) {
      case 0: {
        // Deleting a key: any mapping is as likely as any other, however many leaves it has.
        const maps = containers.filter(
          (p) => isMap(get(root.value, p)) && Object.keys(get(root.value, p) as object).length > 0,
        );
        if (maps.length === 0) return 'no-op';
        const at = this.pick(maps);
        const map = get(root.value, at) as Record<string, unknown>;
        const key = this.pick(Object.keys(map));
        delete map[key];
        return `delete ${[...at, key].join('.')}`;
      }
      case 1: {
        const next = this.otherType(value);
        set(next);
        return `retype ${shown} to ${JSON.stringify(next)?.slice(0, 60)}`;
      }
      case 2: {
        const odd = structuredClone(this.pick(ODD_VALUES));
        set(odd);
        return `set ${shown} to ${JSON.stringify(odd)?.slice(0, 60)}`;
      }
      case 3: {
        const otherPath = this.pick(paths);
        const other = structuredClone(get(root.value, otherPath));
        const mine = structuredClone(value);
        set(other);
        if (otherPath.length > 0 && !isPrefix(path, otherPath) && !isPrefix(otherPath, path)) {
          setOwn(get(root.value, otherPath.slice(0, -1)), otherPath[otherPath.length - 1] as string | number, mine);
        }
        return `swap ${shown} with ${otherPath.join('.') || '(root)'}`;
      }
      case 4: {
        if (Array.isArray(value)) {
          if (this.chance(0.4)) {
            value.length = 0;
            return `empty list ${shown}`;
          }
          if (value.length > 0) {
            value.push(...structuredClone(value));
            return `duplicate items of ${shown}`;
          }
        }
        set([structuredClone(value), structuredClone(value)]);
        return `wrap ${shown} in a list of two`;
      }
      case 5: {
        if (!isMap(value)) {
          set({ value });
          return `wrap ${shown} in a mapping`;
        }
        const key = this.pick(ODD_KEYS);
        setOwn(value, key, structuredClone(this.pick(ODD_VALUES)));
        return `add key ${JSON.stringify(key)} to ${shown}`;
      }
      case 6: {
        if (!isMap(value) || Object.keys(value).length === 0) return this.structural(root);
        const key = this.pick(Object.keys(value));
        const renamed = this.chance(0.5) ? key.slice(0, -1) : key.toUpperCase();
        const moved = value[key];
        delete value[key];
        setOwn(value, renamed, moved);
        return `rename ${shown}.${key} to ${renamed}`;
      }
      case 7: {
        if (typeof value === 'string' && value.length > 0) {
          const cut = this.int(value.length);
          set(value.slice(0, cut));
          return `truncate string ${shown} at ${cut}`;
        }
        if (typeof value === 'number') {
          const next = this.pick([value + 1, value - 1, -value, value * 1e6, 0, 0.5]);
          set(next);
          return `change number ${shown} to ${next}`;
        }
        set(JSON.stringify(value) ?? 'undefined');
        return `stringify ${shown}`;
      }
      default: {
        if (!Array.isArray(value) || value.length === 0) return this.structural(root);
        const copy = structuredClone(value[this.int(value.length)]);
        value.splice(this.int(value.length + 1), 0, copy);
        return `duplicate one item of ${shown}`;
      }
    }
  }

  private otherType(value: unknown): unknown {
    const forms: unknown[] = ['text', 7, true, null, [], {}, ['x'], { key: 'value' }];
    const kind = typeName(value);
    return structuredClone(this.pick(forms.filter((f) => typeName(f) !== kind)));
  }
}

const STRAY_SYNTAX = [
  '\t',
  ':',
  ': ',
  '- ',
  '{',
  '}',
  '[',
  ']',
  '&a ',
  '*a',
  '*undefined ',
  '"',
  "'",
  '\n  ',
  '!!binary ',
  '!!js/function ',
  '? ',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '\uFEFF',
  '#',
  '|',
  '>',
  '@',
  '`',
  ',',
  '\u0000',
  '\r',
];

const ODD_VALUES: readonly unknown[] = [
  null,
  '',
  ' ',
  0,
  -1,
  -0.5,
  2 ** 64,
  1e308,
  true,
  'x',
  [],
  {},
  [null],
  [[]],
  { a: 1 },
  '${env:}',
  '${env:MISSING',
  '${env:lower-case}',
  '0.0.0.0/0',
  '::/0',
  '*',
  '/',
  '//',
  '/a/../b',
  '%zz',
  '(',
  'ab'.repeat(2000),
  '\u00e9\u4e2d\ud83d\ude00',
  '__proto__',
  'constructor',
  'toString',
  'http://',
  'redis://',
  '1s',
  '0ms',
  '-5m',
  '99999999999999999999d',
];

const ODD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'config',
  'origins',
  'rules',
  'name',
  'enabled',
  'policies',
  'overrides',
  'x-extra',
  '',
];

function documents(text: string): unknown[] | undefined {
  const parsed = parseAllDocuments(text, { logLevel: 'silent' });
  const docs = Array.isArray(parsed) ? parsed : [parsed];
  if (docs.some((d) => d.errors.length > 0)) return undefined;
  try {
    return docs.map((d) => d.toJS({ maxAliasCount: 100 }) as unknown);
  } catch {
    return undefined;
  }
}

type Path = (string | number)[];

function allPaths(value: unknown, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...allPaths(v, [...prefix, i])));
  else if (isMap(value)) for (const [k, v] of Object.entries(value)) out.push(...allPaths(v, [...prefix, k]));
  return out;
}

function get(value: unknown, path: Path): unknown {
  let node = value;
  for (const seg of path) node = (node as Record<string | number, unknown> | undefined)?.[seg];
  return node;
}

/** Sets an own property, also for keys such as __proto__ (which plain assignment would not create). */
function setOwn(parent: unknown, key: string | number, value: unknown): void {
  if (Array.isArray(parent) && typeof key === 'number') parent[key] = value;
  else if (isMap(parent))
    Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPrefix(a: Path, b: Path): boolean {
  return a.length <= b.length && a.every((seg, i) => seg === b[i]);
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}
