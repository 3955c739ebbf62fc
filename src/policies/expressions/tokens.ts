import { ExpressionError } from '../../errors/catalog.js';

/**
 * The tokens of a tollgate expression: the inside of `#[ ... ]`. Offsets are
 * positions in the whole configured string, so errors can point at the token.
 */
export type TokenKind = 'name' | 'string' | 'number' | 'symbol' | 'end';

export interface Token {
  kind: TokenKind;
  /** The name, the string's value (quotes and escapes removed), the number or the symbol as written. */
  text: string;
  offset: number;
}

// Longest first: `++` before `+`, `==` before `=`.
const SYMBOLS = [
  '++',
  '==',
  '!=',
  '~=',
  '>=',
  '<=',
  '->',
  '..',
  '(',
  ')',
  '[',
  ']',
  '.',
  ',',
  '+',
  '-',
  '*',
  '/',
  '>',
  '<',
  '=',
  '$',
  '!',
  '{',
  '}',
  ':',
  '@',
  '^',
  '|',
  '&',
  '?',
  '#',
];
const NAME_START = /[A-Za-z_]/;
const NAME_PART = /[A-Za-z0-9_]/;

/** Splits text[start, end) into tokens; the last one is `end`. */
export function tokenize(text: string, start: number, end: number): Token[] {
  const tokens: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === "'" || c === '"') {
      const { value, next } = readString(text, i, end);
      tokens.push({ kind: 'string', text: value, offset: i });
      i = next;
      continue;
    }
    if (NAME_START.test(c)) {
      let j = i + 1;
      while (j < end && NAME_PART.test(text[j] as string)) j++;
      tokens.push({ kind: 'name', text: text.slice(i, j), offset: i });
      i = j;
      continue;
    }
    if (c >= '0' && c <= '9') {
      let j = i + 1;
      while (j < end && /[0-9.]/.test(text[j] as string)) j++;
      tokens.push({ kind: 'number', text: text.slice(i, j), offset: i });
      i = j;
      continue;
    }
    const symbol = SYMBOLS.find((s) => text.startsWith(s, i) && i + s.length <= end);
    if (symbol === undefined) throw new ExpressionError(`unexpected character ${JSON.stringify(c)}`, i);
    tokens.push({ kind: 'symbol', text: symbol, offset: i });
    i += symbol.length;
  }
  tokens.push({ kind: 'end', text: '', offset: end });
  return tokens;
}

/** A quoted string: the same quote closes it; a backslash escapes the next character (\n, \t, \\, \', \"). */
function readString(text: string, open: number, end: number): { value: string; next: number } {
  const quote = text[open];
  let value = '';
  let i = open + 1;
  while (i < end) {
    const c = text[i] as string;
    if (c === quote) return { value, next: i + 1 };
    if (c === '\\' && i + 1 < end) {
      const escaped = text[i + 1] as string;
      value += escaped === 'n' ? '\n' : escaped === 't' ? '\t' : escaped === 'r' ? '\r' : escaped;
      i += 2;
      continue;
    }
    if (c === '$' && quote === '"' && text[i + 1] === '(')
      throw new ExpressionError('string interpolation "$(...)" is not supported: join strings with ++', i);
    value += c;
    i++;
  }
  throw new ExpressionError(`the string opened here is not closed (expected ${quote})`, open);
}
