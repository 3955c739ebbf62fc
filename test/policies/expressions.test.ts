import { describe, expect, it } from 'vitest';
import {
  compileBooleanExpression,
  compileStringExpression,
  compileStringValue,
  expressionProblem,
} from '../../src/policies/expressions/index.js';
import { makeExchange } from '../helpers/exchange.js';

const scope = { basePath: '/orders' };
const request = makeExchange({
  method: 'POST',
  path: '/42',
  search: 'key=k%201&key=second&empty=',
  remoteAddress: '203.0.113.9',
  headers: { client_id: 'abc', 'x-forwarded-for': '198.51.100.1, 10.0.0.1', 'set-cookie': ['a=1', 'b=2'] },
});
const value = (text: string, status?: number) => compileStringExpression(text, scope).evaluate(request, status);

// Reference (REFERENCE.md, Expressions): "#[attributes.headers['client_id']], #[attributes.queryParams['key']], #[attributes.method],
// #[attributes.requestPath], #[attributes.remoteAddress], #[authentication.principal], concatenation with ++, default for missing values."
describe('expressions: the reference DataWeave subset', () => {
  it('reads headers (any case, by name or by field), query parameters, method, paths and the client address', () => {
    expect(value("#[attributes.headers['client_id']]")).toBe('abc');
    expect(value("#[attributes.headers['CLIENT_ID']]")).toBe('abc');
    expect(value('#[attributes.headers.client_id]')).toBe('abc');
    expect(value('#[attributes.headers."x-forwarded-for"]')).toBe('198.51.100.1, 10.0.0.1');
    expect(value("#[attributes.headers['set-cookie']]")).toBe('a=1, b=2');
    expect(value("#[attributes.queryParams['key']]")).toBe('k 1');
    expect(value("#[attributes.queryParams['empty']]")).toBe('');
    expect(value('#[attributes.method]')).toBe('POST');
    expect(value('#[attributes.requestPath]')).toBe('/orders/42');
    expect(value('#[attributes.relativePath]')).toBe('/42');
    expect(value('#[attributes.remoteAddress]')).toBe('203.0.113.9');
    expect(value('#[attributes.statusCode]')).toBeNull();
    expect(value('#[attributes.statusCode]', 201)).toBe('201');
  });

  it('a missing value is null; ++ of null is null; default applies to null only', () => {
    expect(value("#[attributes.headers['absent']]")).toBeNull();
    expect(value("#[attributes.headers['absent'] default 'none']")).toBe('none');
    expect(value("#[attributes.queryParams['empty'] default 'none']")).toBe('');
    expect(value("#['id-' ++ attributes.headers['client_id'] ++ \"/\" ++ attributes.method]")).toBe('id-abc/POST');
    expect(value("#['id-' ++ attributes.headers['absent']]")).toBeNull();
    expect(value("#['id-' ++ (attributes.headers['absent'] default '?')]")).toBe('id-?');
    expect(value("#[attributes.headers['absent'] ++ 'x' default attributes.method]")).toBe('POST');
  });

  it('authentication.* is only what a policy earlier in the chain verified', () => {
    const ex = makeExchange();
    const principal = compileStringExpression('#[authentication.principal]', scope);
    expect(principal.evaluate(ex)).toBeNull();
    ex.locals.principal = 'alice';
    ex.locals.clientId = 'c-1';
    ex.locals.application = { name: 'mobile', clientId: 'c-1' };
    expect(principal.evaluate(ex)).toBe('alice');
    expect(compileStringExpression('#[authentication.clientId]', scope).evaluate(ex)).toBe('c-1');
    expect(compileStringExpression('#[authentication.clientName]', scope).evaluate(ex)).toBe('mobile');
    expect(principal.readsAuthentication).toBe(true);
  });

  it('conditions: ==, !=, and, or, not; null is false', () => {
    const condition = (text: string) => compileBooleanExpression(text, scope).evaluate(request);
    expect(condition("#[attributes.method == 'POST']")).toBe(true);
    expect(condition("#[attributes.method != 'POST' or attributes.headers['client_id'] == 'abc']")).toBe(true);
    expect(condition("#[not (attributes.method == 'GET') and attributes.headers['absent'] == null]")).toBe(true);
    expect(condition('#[true and false]')).toBe(false);
  });

  it('reports what it reads, and literal values as constants', () => {
    const key = compileStringExpression("#[attributes.headers['Client_Id'] ++ attributes.queryParams['key']]", scope);
    expect(key.headers).toEqual(['client_id']);
    expect(key.queryParams).toEqual(['key']);
    expect(key.constant).toBeUndefined();
    expect(compileStringValue('plain text', scope).constant).toBe('plain text');
    expect(compileStringExpression("#['a' ++ 'b']", scope).constant).toBe('ab');
  });

  it.each([
    ['#[payload.id]', 2, 'payload is not supported'],
    ['#[vars.clientId]', 2, 'vars are not supported'],
    ['#[upper(attributes.method)]', 2, 'functions such as upper(...) are not supported'],
    ["#[if (true) 'a' else 'b']", 2, 'if/else is not supported'],
    ['#[attributes.method ++ 1]', 23, 'numbers are not supported'],
    ["#[attributes.method + 'x']", 20, 'arithmetic (+) is not supported'],
    ['#[attributes.headers]', 20, 'select one name'],
    ['#[attributes.body]', 13, 'attributes.body is not supported'],
    ['#[authentication.properties]', 17, 'authentication.properties is not supported'],
    ["#[attributes.method == 'GET']", 2, 'gives a boolean; a string is expected'],
    ['#[attributes.method ++ true]', 23, '++ joins strings; this is a boolean'],
    ["#['unclosed]", 2, 'not closed'],
    ['#[attributes.method', 0, 'not closed with ]'],
    ['#[attributes.method] tail', 20, 'text after the closing ]'],
    ['attributes.method', 0, 'an expression is written #[ ... ]'],
    ['#[attributes.method attributes.method]', 20, 'unexpected "attributes"'],
    ['#[]', 2, 'ends too early'],
    ['#[foo]', 2, 'unknown name "foo"'],
    ["#[attributes.queryParams['a'].b]", 29, 'is a string'],
  ])('%s is refused at offset %i: %s', (text, offset, message) => {
    const problem = expressionProblem(text, 'string');
    expect(problem?.message).toContain(message);
    expect(problem?.offset).toBe(offset);
  });

  it('a condition must give true or false', () => {
    expect(expressionProblem('#[attributes.method]', 'boolean')?.message).toContain(
      'gives a string; a boolean is expected',
    );
    expect(expressionProblem("#[attributes.method == 'GET' and attributes.method]", 'boolean')?.message).toContain(
      'and combines true/false values',
    );
  });
});
