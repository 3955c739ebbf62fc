import { SelectorError } from '../errors/catalog.js';

/**
 * Kubernetes label selectors (the syntax of `kubectl get -l`): requirements
 * separated by commas, all of which must hold —
 *   key=value  key==value  key!=value  key in (a,b)  key notin (a,b)  key  !key
 * `!=` and `notin` also hold for an object without the key. Keys are
 * `[prefix/]name` and values are at most 63 characters of letters, digits,
 * `-`, `_` and `.`, beginning and ending with a letter or digit (a value may be empty).
 */

export type Operator = '=' | '!=' | 'in' | 'notin' | 'exists' | '!';

export interface Requirement {
  key: string;
  operator: Operator;
  /** For =, !=: one value; in, notin: sorted, each once; exists, !: none. */
  values: string[];
}

export interface Selector {
  requirements: Requirement[];
  /** One spelling per meaning (sorted requirements and values, `==` as `=`): the owner mark of what it applies. */
  canonical: string;
}

const NAME = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;

export function isLabelKey(key: string): boolean {
  const slash = key.indexOf('/');
  if (slash === -1) return NAME.test(key);
  const prefix = key.slice(0, slash);
  return prefix.length <= 253 && PREFIX.test(prefix) && NAME.test(key.slice(slash + 1));
}

export function isLabelValue(value: string): boolean {
  return value === '' || NAME.test(value);
}

/** Splits on the commas that are not inside parentheses. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth < 0) throw new SelectorError('a ")" without its "("');
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (depth !== 0) throw new SelectorError('a "(" without its ")"');
  parts.push(current);
  return parts.map((p) => p.trim());
}

function checkKey(key: string, whole: string): string {
  if (!isLabelKey(key))
    throw new SelectorError(
      `"${key}" in "${whole}" is not a label key ([prefix/]name: letters, digits, -, _ and ., at most 63, starting and ending with a letter or digit)`,
    );
  return key;
}

function checkValue(value: string, whole: string): string {
  if (!isLabelValue(value))
    throw new SelectorError(
      `"${value}" in "${whole}" is not a label value (at most 63 letters, digits, -, _ and ., starting and ending with a letter or digit)`,
    );
  return value;
}

function parseRequirement(part: string): Requirement {
  if (part === '') throw new SelectorError('an empty requirement (two commas in a row, or one at an end)');
  let m = /^!\s*(\S+)$/.exec(part);
  if (m) return { key: checkKey(m[1] as string, part), operator: '!', values: [] };
  m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(part);
  if (m) {
    const values = [...new Set((m[3] as string).split(',').map((v) => checkValue(v.trim(), part)))].sort();
    if (values.length === 1 && values[0] === '' && !(m[3] as string).trim())
      throw new SelectorError(`"${part}" lists no value`);
    return { key: checkKey(m[1] as string, part), operator: m[2] as 'in' | 'notin', values };
  }
  m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
  if (m)
    return {
      key: checkKey(m[1] as string, part),
      operator: m[2] === '!=' ? '!=' : '=',
      values: [checkValue(m[3] as string, part)],
    };
  if (/^\S+$/.test(part) && !/[=!()]/.test(part)) return { key: checkKey(part, part), operator: 'exists', values: [] };
  throw new SelectorError(
    `"${part}" is not a requirement: use key=value, key!=value, key in (a,b), key notin (a,b), key or !key`,
  );
}

function requirementText(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

const ORDER: Record<Operator, number> = { exists: 0, '!': 1, '=': 2, '!=': 3, in: 4, notin: 5 };

/** Parses a selector; an empty one (all white space) selects everything and is undefined. */
export function parseSelector(text: string): Selector | undefined {
  if (text.trim() === '') return undefined;
  const requirements = splitRequirements(text).map(parseRequirement);
  const seen = new Set<string>();
  const unique = requirements
    .sort((a, b) =>
      a.key < b.key
        ? -1
        : a.key > b.key
          ? 1
          : ORDER[a.operator] - ORDER[b.operator] || requirementText(a).localeCompare(requirementText(b)),
    )
    .filter((r) => {
      const text = requirementText(r);
      if (seen.has(text)) return false;
      seen.add(text);
      return true;
    });
  return { requirements: unique, canonical: unique.map(requirementText).join(',') };
}

/** Whether labels (absent: none) satisfy every requirement. */
export function matches(selector: Selector | undefined, labels: Readonly<Record<string, string>> | undefined): boolean {
  if (!selector) return true;
  const has = (key: string) => labels !== undefined && Object.prototype.hasOwnProperty.call(labels, key);
  return selector.requirements.every((r) => {
    const value = has(r.key) ? (labels as Record<string, string>)[r.key] : undefined;
    switch (r.operator) {
      case 'exists':
        return value !== undefined;
      case '!':
        return value === undefined;
      case '=':
        return value === r.values[0];
      case '!=':
        return value !== r.values[0];
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
    }
  });
}
