import { ATTRIBUTES, AUTHENTICATION, type AttributeName, type AuthenticationName, type ExpressionNode } from './ast.js';
import { ExpressionError } from '../../errors/catalog.js';
import { tokenize, type Token } from './tokens.js';

/** Whether a configured string is an expression (`#[...]`) rather than literal text. */
export function isExpression(text: string): boolean {
  return text.startsWith('#[');
}

/**
 * Parses `#[ ... ]` (the whole string) into a tree, or throws an
 * ExpressionError naming what is unsupported, at its offset in `text`.
 *
 *   expression := or ('default' or)*
 *   or         := and ('or' and)*
 *   and        := equality ('and' equality)*
 *   equality   := unary (('==' | '!=') unary)?
 *   unary      := 'not' unary | concat
 *   concat     := primary ('++' primary)*
 *   primary    := string | 'true' | 'false' | 'null' | '(' expression ')' | selector
 *   selector   := 'attributes' '.' ('headers' | 'queryParams') key | 'attributes' '.' attribute
 *               | 'authentication' '.' ('principal' | 'clientId' | 'clientName')
 *   key        := '[' string ']' | '.' name | '.' string
 *
 * The precedence follows DataWeave's: `default` binds loosest, `++` tightest.
 */
export function parseExpression(text: string): ExpressionNode {
  if (!isExpression(text)) throw new ExpressionError('an expression is written #[ ... ]', 0);
  const close = text.lastIndexOf(']');
  if (close < 2) throw new ExpressionError('the expression opened with #[ is not closed with ]', 0);
  if (text.slice(close + 1).trim() !== '')
    throw new ExpressionError(
      'text after the closing ] of the expression: an expression is the whole value',
      close + 1,
    );
  const parser = new Parser(tokenize(text, 2, close));
  const node = parser.expression();
  parser.expectEnd();
  return node;
}

const KEYWORDS_NOT_SUPPORTED: Record<string, string> = {
  if: 'if/else is not supported: use default for missing values',
  else: 'if/else is not supported: use default for missing values',
  unless: 'unless is not supported',
  match: 'match is not supported',
  do: 'do blocks are not supported',
  fun: 'functions cannot be defined in an expression',
  var: 'variables cannot be defined in an expression',
  using: 'using is not supported',
  as: 'type coercion (as) is not supported: every value is a string',
  is: 'type tests (is) are not supported',
  payload: 'payload is not supported: expressions read the request attributes, never its body',
  vars: 'vars are not supported: there are no flow variables; read attributes or authentication',
  message: 'message is not supported: read attributes.* directly',
  flow: 'flow is not supported',
  app: 'app is not supported',
  server: 'server is not supported',
  mule: 'mule is not supported',
  error: 'error is not supported',
  p: 'properties (p(...)) are not supported: write the value itself',
};

const SYMBOLS_NOT_SUPPORTED: Record<string, string> = {
  '+': 'arithmetic (+) is not supported: join strings with ++',
  '-': 'arithmetic (-) is not supported',
  '*': 'arithmetic (*) and multi-value selectors (.*) are not supported',
  '/': 'arithmetic (/) is not supported',
  '>': 'ordering comparisons (>) are not supported: use == or !=',
  '<': 'ordering comparisons (<) are not supported: use == or !=',
  '>=': 'ordering comparisons (>=) are not supported: use == or !=',
  '<=': 'ordering comparisons (<=) are not supported: use == or !=',
  '~=': 'the similar operator (~=) is not supported: use ==',
  '=': 'assignment (=) is not supported: compare with ==',
  '!': 'write not, not !',
  '..': 'descendant selectors (..) are not supported',
  $: 'lambdas and $ are not supported',
  '->': 'lambdas are not supported',
  '{': 'objects are not supported',
  '[': 'arrays are not supported',
  '@': 'XML attribute selectors (@) are not supported',
};

const ATTRIBUTE_LIST = `headers, queryParams, ${ATTRIBUTES.join(', ')}`;

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  expression(): ExpressionNode {
    let node = this.or();
    while (this.isName('default')) {
      this.next();
      node = { kind: 'default', value: node, fallback: this.or(), offset: node.offset };
    }
    return node;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw this.unexpected(token);
  }

  private or(): ExpressionNode {
    let node = this.and();
    while (this.isName('or')) {
      this.next();
      node = { kind: 'or', left: node, right: this.and(), offset: node.offset };
    }
    return node;
  }

  private and(): ExpressionNode {
    let node = this.equality();
    while (this.isName('and')) {
      this.next();
      node = { kind: 'and', left: node, right: this.equality(), offset: node.offset };
    }
    return node;
  }

  private equality(): ExpressionNode {
    const left = this.unary();
    const token = this.peek();
    if (token.kind === 'symbol' && (token.text === '==' || token.text === '!=')) {
      this.next();
      const right = this.unary();
      const after = this.peek();
      if (after.kind === 'symbol' && (after.text === '==' || after.text === '!='))
        throw new ExpressionError('comparisons cannot be chained: use and', after.offset);
      return { kind: 'equals', left, right, negated: token.text === '!=', offset: left.offset };
    }
    return left;
  }

  private unary(): ExpressionNode {
    if (this.isName('not')) {
      const at = this.next();
      return { kind: 'not', operand: this.unary(), offset: at.offset };
    }
    return this.concat();
  }

  private concat(): ExpressionNode {
    let node = this.primary();
    for (;;) {
      const token = this.peek();
      if (token.kind !== 'symbol' || token.text !== '++') return node;
      this.next();
      node = { kind: 'concat', left: node, right: this.primary(), offset: node.offset };
    }
  }

  private primary(): ExpressionNode {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.text, offset: token.offset };
      case 'number':
        throw new ExpressionError(
          `numbers are not supported: every value is a string (write '${token.text}')`,
          token.offset,
        );
      case 'end':
        throw new ExpressionError('the expression ends too early: a value is missing', token.offset);
      case 'symbol':
        if (token.text === '(') {
          const inner = this.expression();
          this.expectSymbol(')', 'a ) to close the (');
          return inner;
        }
        throw this.unexpected(token);
      case 'name':
        return this.named(token);
    }
  }

  private named(token: Token): ExpressionNode {
    const unsupported = KEYWORDS_NOT_SUPPORTED[token.text];
    if (unsupported) throw new ExpressionError(unsupported, token.offset);
    const after = this.peek();
    if (after.kind === 'symbol' && after.text === '(')
      throw new ExpressionError(`functions such as ${token.text}(...) are not supported`, token.offset);
    switch (token.text) {
      case 'true':
      case 'false':
        return { kind: 'boolean', value: token.text === 'true', offset: token.offset };
      case 'null':
        return { kind: 'null', offset: token.offset };
      case 'attributes':
        return this.attribute(token);
      case 'authentication':
        return this.authentication(token);
    }
    throw new ExpressionError(
      `unknown name "${token.text}": a value is attributes.…, authentication.…, a quoted string, true, false or null`,
      token.offset,
    );
  }

  private attribute(root: Token): ExpressionNode {
    const field = this.member(`attributes.<${ATTRIBUTE_LIST.replace(/, /g, '|')}>`);
    if (field.text === 'headers' || field.text === 'queryParams') {
      const key = this.key(field);
      if (field.text === 'headers') return { kind: 'header', name: key.toLowerCase(), offset: root.offset };
      return { kind: 'query', name: key, offset: root.offset };
    }
    if ((ATTRIBUTES as readonly string[]).includes(field.text)) {
      this.noFurtherSelector(`attributes.${field.text}`);
      return { kind: 'attribute', name: field.text as AttributeName, offset: root.offset };
    }
    throw new ExpressionError(
      `attributes.${field.text} is not supported; the attributes are ${ATTRIBUTE_LIST}`,
      field.offset,
    );
  }

  private authentication(root: Token): ExpressionNode {
    const field = this.member(`authentication.<${AUTHENTICATION.join('|')}>`);
    if ((AUTHENTICATION as readonly string[]).includes(field.text)) {
      this.noFurtherSelector(`authentication.${field.text}`);
      return { kind: 'authentication', name: field.text as AuthenticationName, offset: root.offset };
    }
    throw new ExpressionError(
      `authentication.${field.text} is not supported; authentication has ${AUTHENTICATION.join(', ')}`,
      field.offset,
    );
  }

  /** `.name` after a root. */
  private member(expected: string): Token {
    const dot = this.next();
    if (dot.kind !== 'symbol' || dot.text !== '.') throw new ExpressionError(`select a field: ${expected}`, dot.offset);
    const name = this.next();
    if (name.kind !== 'name') throw new ExpressionError(`select a field: ${expected}`, name.offset);
    return name;
  }

  /** The name of one header or query parameter: ['name'], .name or ."name". */
  private key(field: Token): string {
    const token = this.next();
    if (token.kind === 'symbol' && token.text === '[') {
      const key = this.next();
      if (key.kind !== 'string')
        throw new ExpressionError(
          `the name inside [ ] is a quoted string, e.g. attributes.${field.text}['name']`,
          key.offset,
        );
      this.expectSymbol(']', 'a ] after the name');
      this.noFurtherSelector(`attributes.${field.text}['${key.text}']`);
      return key.text;
    }
    if (token.kind === 'symbol' && token.text === '.') {
      const key = this.next();
      if (key.kind !== 'name' && key.kind !== 'string')
        throw new ExpressionError(`select one name, e.g. attributes.${field.text}['name']`, key.offset);
      this.noFurtherSelector(`attributes.${field.text}.${key.text}`);
      return key.text;
    }
    throw new ExpressionError(
      `select one name, e.g. attributes.${field.text}['name']: the whole map is not a value`,
      token.offset,
    );
  }

  private noFurtherSelector(what: string): void {
    const token = this.peek();
    if (token.kind === 'symbol' && (token.text === '.' || token.text === '['))
      throw new ExpressionError(`${what} is a string: it has no fields or items`, token.offset);
  }

  private expectSymbol(symbol: string, what: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.text !== symbol) throw new ExpressionError(`expected ${what}`, token.offset);
  }

  private unexpected(token: Token): ExpressionError {
    if (token.kind === 'symbol') {
      const unsupported = SYMBOLS_NOT_SUPPORTED[token.text];
      if (unsupported) return new ExpressionError(unsupported, token.offset);
    }
    if (token.kind === 'name') {
      const unsupported = KEYWORDS_NOT_SUPPORTED[token.text];
      if (unsupported) return new ExpressionError(unsupported, token.offset);
    }
    const shown = token.kind === 'string' ? 'a string' : JSON.stringify(token.text);
    return new ExpressionError(
      `unexpected ${shown}: values are joined with ++, compared with == or !=, combined with and/or, defaulted with default`,
      token.offset,
    );
  }

  private isName(name: string): boolean {
    const token = this.peek();
    return token.kind === 'name' && token.text === name;
  }

  private peek(): Token {
    return this.tokens[this.i] as Token;
  }

  private next(): Token {
    const token = this.tokens[this.i] as Token;
    if (token.kind !== 'end') this.i++;
    return token;
  }
}
