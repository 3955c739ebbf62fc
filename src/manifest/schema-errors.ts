import type { ErrorObject } from 'ajv';
import type { ErrorCode } from '../errors/catalog.js';
import { diagnostic, formatPath, type Diagnostic, type PathSegment } from '../errors/diagnostic.js';
import { FORMAT_EXPLANATIONS } from './formats.js';
import { locate, type SourceDocument } from './source.js';

/** Turns ajv's errors into one positioned, readable diagnostic per problem. */
export function schemaDiagnostics(
  source: SourceDocument,
  errors: readonly ErrorObject[],
  prefix: readonly PathSegment[] = [],
  code: ErrorCode = 'TG_SCHEMA',
  context = '',
): Diagnostic[] {
  // Errors inside a failed oneOf/anyOf explain branches the user did not mean: keep only the summary,
  // unless the value's type picks one branch (a string or an object form): then that branch's errors say more.
  const alternatives: string[] = [];
  const meant = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf' && e.keyword !== 'anyOf') continue;
    alternatives.push(e.schemaPath + '/');
    const branch = branchOfType(e);
    if (branch !== undefined && errors.some((other) => other.schemaPath.startsWith(`${e.schemaPath}/${branch}/`)))
      meant.add(`${e.schemaPath}/${branch}/`);
  }
  const kept = errors.filter((e) => {
    if (e.keyword === 'if') return false;
    if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && [...meant].some((m) => m.startsWith(e.schemaPath + '/')))
      return false;
    if ([...meant].some((m) => e.schemaPath.startsWith(m))) return true;
    return !alternatives.some((p) => e.schemaPath.startsWith(p) && e.schemaPath !== p.slice(0, -1));
  });
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const error of kept) {
    const path = [...prefix, ...parsePointer(error.instancePath)];
    const { message, keyPath, pointAtKey } = describe(error, path);
    const shown = formatPath(keyPath);
    const id = `${shown}|${message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(
      diagnostic(
        code,
        `${context}${shown ? `${shown}: ${message}` : message}`,
        locate(source, keyPath, pointAtKey),
        shown,
      ),
    );
  }
  return out;
}

/** The only object branch of a failed oneOf/anyOf, when the value is an object and exactly one branch takes objects. */
function branchOfType(error: ErrorObject): number | undefined {
  const branches = (error.schema ?? []) as { type?: unknown }[];
  if (!Array.isArray(branches)) return undefined;
  const type = typeName(error.data);
  // Only a structured form has errors worth more than the summary (a scalar's summary names every form).
  if (type !== 'object') return undefined;
  const matching = branches.map((b, i) => ({ b, i })).filter(({ b }) => b.type === type);
  return matching.length === 1 ? matching[0]?.i : undefined;
}

function parsePointer(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(
  error: ErrorObject,
  path: PathSegment[],
): { message: string; keyPath: PathSegment[]; pointAtKey: boolean } {
  const params = error.params as Record<string, unknown>;
  const schema = error.parentSchema as { description?: string; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const allowed = Object.keys(schema?.properties ?? {});
      const guess = closest(field, allowed);
      const hint = guess ? ` (did you mean "${guess}"?)` : allowed.length ? ` (allowed: ${allowed.join(', ')})` : '';
      return { message: `unknown field "${field}"${hint}`, keyPath: [...path, field], pointAtKey: true };
    }
    case 'required':
      return {
        message: `missing required field "${String(params.missingProperty)}"`,
        keyPath: path,
        pointAtKey: false,
      };
    case 'type': {
      // YAML reads leading octets such as 192.168 as a number.
      const octets =
        typeof error.data === 'number' && (schema as { format?: string } | undefined)?.format === 'ip-range'
          ? ` (write leading octets in quotes, '${String(error.data)}': YAML reads them as a number)`
          : '';
      return {
        message: `must be ${String(params.type)}, got ${typeName(error.data)}${octets}`,
        keyPath: path,
        pointAtKey: false,
      };
    }
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const guess =
        typeof error.data === 'string'
          ? closest(
              error.data,
              allowed.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return {
        message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(error.data)}${guess ? ` (did you mean "${guess}"?)` : ''}`,
        keyPath: path,
        pointAtKey: false,
      };
    }
    case 'const':
      return {
        message: `must be ${JSON.stringify(params.allowedValue)}, got ${JSON.stringify(error.data)}`,
        keyPath: path,
        pointAtKey: false,
      };
    case 'format': {
      const what = FORMAT_EXPLANATIONS[String(params.format)] ?? `of format ${String(params.format)}`;
      return { message: `${JSON.stringify(error.data)} is not ${what}`, keyPath: path, pointAtKey: false };
    }
    case 'pattern':
      return {
        message: `${JSON.stringify(error.data)} is not valid: ${schema?.description ?? `it must match ${String(params.pattern)}`}`,
        keyPath: path,
        pointAtKey: false,
      };
    case 'oneOf':
    case 'anyOf':
      return {
        message: `must be ${schema?.description ?? 'one of the allowed forms'}`,
        keyPath: path,
        pointAtKey: false,
      };
    default:
      return {
        message: error.message ?? `breaks the schema rule "${error.keyword}"`,
        keyPath: path,
        pointAtKey: false,
      };
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The allowed name closest to a misspelt one, if it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    prev = row;
  }
  return prev[b.length] ?? 0;
}
