import jsyaml from 'js-yaml';
import { Scalar, isMap, isPair, isScalar, isSeq, visit, type Document } from 'yaml';
import { isPlainObject } from '../util/plain-object.js';

/**
 * One YAML semantics for every manifest: the YAML 1.2 core schema, as the
 * `yaml` package reads it with `schema: 'core'` (whatever `%YAML` directive a
 * file carries). js-yaml, the fast path, gets a schema of its own that
 * resolves plain scalars with the same patterns and builds the same values:
 * its CORE_SCHEMA is not the 1.2 core schema (it reads `0b101`, `+0x1F` and
 * `1_000` as numbers and `-.5` as a string). test/manifest/yaml-semantics.property.test.ts
 * compares the two readers over generated documents.
 */

/**
 * `yaml` options of every manifest parse: the core schema even under `%YAML 1.1`
 * (where yes/no would be booleans), and keys that are one once made strings
 * (`1` and `"1"`) are duplicates, as js-yaml finds them.
 */
export const CORE_YAML = {
  schema: 'core',
  version: '1.2',
  uniqueKeys: (a: unknown, b: unknown) => keyText(a) === keyText(b),
} as const;

/** The string a mapping key becomes (see stringifyKeys). */
function keyText(key: unknown): string {
  if (key === null || key === undefined) return 'null';
  if (isScalar(key)) return String(key.value);
  if (isSeq(key) || isMap(key)) return collectionKeyText((key as { toJSON(): unknown }).toJSON());
  return String(key);
}

function collectionKeyText(js: unknown): string {
  return Array.isArray(js)
    ? js.map((item) => (isPlainObject(item) ? '[object Object]' : item)).join(',')
    : '[object Object]';
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** First-character screens, so that the common plain scalar (a word) is turned down without running a pattern. */
const c0 = (data: string) => data.charCodeAt(0);
const mayBeNull = (data: string) =>
  data.length === 0 || c0(data) === 0x7e /* ~ */ || (c0(data) | 0x20) === 0x6e; /* n N */
const mayBeBool = (data: string) => (c0(data) | 0x20) === 0x74 /* t T */ || (c0(data) | 0x20) === 0x66; /* f F */
const mayBeNumber = (data: string) => {
  const c = c0(data);
  return (c >= 0x30 && c <= 0x39) || c === 0x2d /* - */ || c === 0x2b /* + */ || c === 0x2e; /* . */
};

const nullType = new jsyaml.Type('tag:yaml.org,2002:null', {
  kind: 'scalar',
  resolve: (data: string | null) => data === null || (mayBeNull(data) && NULL.test(data)),
  construct: () => null,
  predicate: (value: unknown) => value === null,
});

const boolType = new jsyaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: string | null) => data !== null && mayBeBool(data) && BOOL.test(data),
  construct: (data: string) => data[0] === 't' || data[0] === 'T',
  predicate: (value: unknown) => typeof value === 'boolean',
});

const intType = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && mayBeNumber(data) && (INT.test(data) || INT_OCT.test(data) || INT_HEX.test(data)),
  construct: (data: string) =>
    INT_OCT.test(data)
      ? parseInt(data.slice(2), 8)
      : INT_HEX.test(data)
        ? parseInt(data.slice(2), 16)
        : parseInt(data, 10),
  predicate: (value: unknown) => typeof value === 'number' && Number.isInteger(value),
});

/** Floats need a dot or an exponent (a plain `12` is an int); `.inf`, `-.inf`, `.nan` in the three spellings. */
const floatType = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (data: string | null) =>
    data !== null && mayBeNumber(data) && (FLOAT_NAN.test(data) || (FLOAT.test(data) && !INT.test(data))),
  construct: (data: string) =>
    FLOAT_NAN.test(data)
      ? data.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : data[0] === '-'
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
      : parseFloat(data),
  predicate: (value: unknown) => typeof value === 'number',
});

/** js-yaml with the YAML 1.2 core schema: strings, sequences and mappings, and these four implicit types in the core schema's order. */
export const CORE_JSYAML_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/**
 * Mapping keys become strings the way js-yaml makes them, so both readers
 * agree: `String(value)` of a scalar key (`~` → "null", `0x10` → "16"), a
 * sequence key joined with commas, a mapping key "[object Object]". `yaml`
 * would write a null key as "" and a collection key as YAML text. The key
 * node keeps its range, so positions still point at it.
 */
export function stringifyKeys(doc: Document.Parsed): void {
  visit(doc, {
    Pair(_, pair) {
      if (!isPair(pair)) return;
      const key = pair.key;
      if (key === null || key === undefined) {
        pair.key = new Scalar('null');
        return;
      }
      if (isScalar(key)) {
        if (typeof key.value !== 'string') key.value = String(key.value);
        return;
      }
      if (isSeq(key) || isMap(key)) {
        const scalar = new Scalar(collectionKeyText((key as { toJS(doc: Document.Parsed): unknown }).toJS(doc)));
        scalar.range = key.range;
        pair.key = scalar;
      }
    },
  });
}
