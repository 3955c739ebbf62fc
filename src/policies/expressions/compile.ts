import type { ApplicationRuntime, Exchange } from '../sdk/index.js';
import { LOCAL_APPLICATION, LOCAL_CLIENT_ID, LOCAL_PRINCIPAL } from '../shared/locals.js';
import { queryParam } from '../shared/query.js';
import type { AttributeName, AuthenticationName, ExpressionNode, ValueType } from './ast.js';
import { isExpression, parseExpression } from './parse.js';
import { ExpressionError } from '../../errors/catalog.js';

/** A compiled expression: a plain function of the request (and, after the call, the response status). */
export type Evaluate<T> = (exchange: Exchange, status?: number) => T | null;

export interface CompiledExpression<T> {
  evaluate: Evaluate<T>;
  /** Request headers (lower-case) and query parameters it reads: what a key or credential built from it depends on. */
  headers: readonly string[];
  queryParams: readonly string[];
  /** Whether it reads authentication.*: values only an authentication policy earlier in the chain sets. */
  readsAuthentication: boolean;
  /** Set when it reads nothing from the request (literal text, or an expression of literals). */
  constant?: T | null;
}

/** What an expression needs from the API it is compiled for. */
export interface ExpressionScope {
  /** The API's base path: attributes.requestPath is the path the client sent, base path included. */
  basePath: string;
  /** Request headers and query parameters whose values must not come out (a log line): they read as [REDACTED]. */
  redact?: (kind: 'header' | 'query', name: string) => boolean;
}

export const REDACTED = '[REDACTED]';

/** Compiles `#[...]` that must give a string (keys, credentials, addresses, header values); throws ExpressionError. */
export function compileStringExpression(text: string, scope: ExpressionScope): CompiledExpression<string> {
  return compileTyped(text, 'string', scope) as CompiledExpression<string>;
}

/** Compiles `#[...]` that must give true or false (message-logging's conditional); null counts as false. */
export function compileBooleanExpression(text: string, scope: ExpressionScope): CompiledExpression<boolean> {
  return compileTyped(text, 'boolean', scope) as CompiledExpression<boolean>;
}

/** A value that is either literal text or one `#[...]` expression giving a string (header values, log messages). */
export function compileStringValue(text: string, scope: ExpressionScope): CompiledExpression<string> {
  if (!isExpression(text))
    return { evaluate: () => text, headers: [], queryParams: [], readsAuthentication: false, constant: text };
  return compileStringExpression(text, scope);
}

/** The first problem of an expression (syntax, unsupported constructs, types), or undefined: what `validate` reports. */
export function expressionProblem(text: string, expected: 'string' | 'boolean'): ExpressionError | undefined {
  try {
    compileTyped(text, expected, { basePath: '/' });
    return undefined;
  } catch (error) {
    if (error instanceof ExpressionError) return error;
    throw error;
  }
}

function compileTyped(
  text: string,
  expected: 'string' | 'boolean',
  scope: ExpressionScope,
): CompiledExpression<string | boolean> {
  const node = parseExpression(text);
  const type = typeOf(node);
  if (type !== expected && type !== 'null')
    throw new ExpressionError(`this expression gives a ${type}; a ${expected} is expected here`, node.offset);
  const headers = new Set<string>();
  const queryParams = new Set<string>();
  const reads = { authentication: false, request: false };
  const evaluate = build(node, scope, { headers, queryParams, reads });
  const compiled: CompiledExpression<string | boolean> = {
    evaluate,
    headers: [...headers],
    queryParams: [...queryParams],
    readsAuthentication: reads.authentication,
  };
  if (!reads.request) compiled.constant = evaluate(undefined as unknown as Exchange);
  return compiled;
}

/** The static type of a node; a mismatch is an error at the operand that does not fit. */
function typeOf(node: ExpressionNode): ValueType {
  switch (node.kind) {
    case 'string':
    case 'header':
    case 'query':
    case 'attribute':
    case 'authentication':
      return 'string';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'concat':
      expect(node.left, 'string', '++ joins strings');
      expect(node.right, 'string', '++ joins strings');
      return 'string';
    case 'default': {
      const value = typeOf(node.value);
      const fallback = typeOf(node.fallback);
      if (value !== 'null' && fallback !== 'null' && value !== fallback)
        throw new ExpressionError(
          `default gives a ${fallback} for a ${value}: both sides must be of one type`,
          node.fallback.offset,
        );
      return value === 'null' ? fallback : value;
    }
    case 'equals': {
      const left = typeOf(node.left);
      const right = typeOf(node.right);
      if (left !== 'null' && right !== 'null' && left !== right)
        throw new ExpressionError(
          `a ${left} is compared with a ${right}: both sides must be of one type`,
          node.right.offset,
        );
      return 'boolean';
    }
    case 'and':
    case 'or':
      expect(node.left, 'boolean', `${node.kind} combines true/false values`);
      expect(node.right, 'boolean', `${node.kind} combines true/false values`);
      return 'boolean';
    case 'not':
      expect(node.operand, 'boolean', 'not negates a true/false value');
      return 'boolean';
  }
}

function expect(node: ExpressionNode, type: 'string' | 'boolean', why: string): void {
  const actual = typeOf(node);
  if (actual !== type && actual !== 'null') throw new ExpressionError(`${why}; this is a ${actual}`, node.offset);
}

interface Reads {
  headers: Set<string>;
  queryParams: Set<string>;
  reads: { authentication: boolean; request: boolean };
}

type Fn = (exchange: Exchange, status?: number) => string | boolean | null;

function build(node: ExpressionNode, scope: ExpressionScope, reads: Reads): Fn {
  switch (node.kind) {
    case 'string':
    case 'boolean': {
      const value = node.value;
      return () => value;
    }
    case 'null':
      return () => null;
    case 'header': {
      const name = node.name;
      reads.headers.add(name);
      reads.reads.request = true;
      if (scope.redact?.('header', name)) return (ex) => (ex.requestHeaders[name] === undefined ? null : REDACTED);
      return (ex) => {
        const value = ex.requestHeaders[name];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      };
    }
    case 'query': {
      const name = node.name;
      reads.queryParams.add(name);
      reads.reads.request = true;
      if (scope.redact?.('query', name)) return (ex) => (queryParam(ex.search, name) === undefined ? null : REDACTED);
      return (ex) => queryParam(ex.search, name) ?? null;
    }
    case 'attribute':
      reads.reads.request = true;
      return attribute(node.name, scope);
    case 'authentication':
      reads.reads.authentication = true;
      reads.reads.request = true;
      return authentication(node.name);
    case 'concat': {
      const left = build(node.left, scope, reads);
      const right = build(node.right, scope, reads);
      return (ex, status) => {
        const a = left(ex, status);
        if (a === null) return null;
        const b = right(ex, status);
        return b === null ? null : `${a as string}${b as string}`;
      };
    }
    case 'default': {
      const value = build(node.value, scope, reads);
      const fallback = build(node.fallback, scope, reads);
      return (ex, status) => value(ex, status) ?? fallback(ex, status);
    }
    case 'equals': {
      const left = build(node.left, scope, reads);
      const right = build(node.right, scope, reads);
      const negated = node.negated;
      return (ex, status) => (left(ex, status) === right(ex, status)) !== negated;
    }
    case 'and': {
      const left = build(node.left, scope, reads);
      const right = build(node.right, scope, reads);
      return (ex, status) => left(ex, status) === true && right(ex, status) === true;
    }
    case 'or': {
      const left = build(node.left, scope, reads);
      const right = build(node.right, scope, reads);
      return (ex, status) => left(ex, status) === true || right(ex, status) === true;
    }
    case 'not': {
      const operand = build(node.operand, scope, reads);
      return (ex, status) => operand(ex, status) !== true;
    }
  }
}

function attribute(name: AttributeName, scope: ExpressionScope): Fn {
  switch (name) {
    case 'method':
      return (ex) => ex.method;
    case 'requestPath': {
      // The normalized path the client sent: the base path and the path below it.
      const base = scope.basePath === '/' ? '' : scope.basePath;
      return (ex) => (base === '' ? ex.path : ex.path === '/' ? base : base + ex.path);
    }
    case 'relativePath':
      return (ex) => ex.path;
    case 'remoteAddress':
      return (ex) => ex.remoteAddress;
    case 'host':
      return (ex) => ex.host;
    case 'statusCode':
      // Only after the upstream call (or a policy's answer) is there a status.
      return (_ex, status) => (status === undefined ? null : String(status));
  }
}

function authentication(name: AuthenticationName): Fn {
  switch (name) {
    case 'principal':
      return (ex) => stringOrNull(ex.locals[LOCAL_PRINCIPAL]);
    case 'clientId':
      return (ex) => stringOrNull(ex.locals[LOCAL_CLIENT_ID]);
    case 'clientName':
      return (ex) => (ex.locals[LOCAL_APPLICATION] as ApplicationRuntime | undefined)?.name ?? null;
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
