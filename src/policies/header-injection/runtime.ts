import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { compileStringValue, type CompiledExpression } from '../expressions/index.js';
import type { PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import type { HeaderInjectionConfig } from './index.js';

interface Injected {
  /** Lower-case name. */
  name: string;
  value: CompiledExpression<string>;
}

/** What node:http accepts in a header value: a value read from the request (a decoded query parameter) may hold anything. */
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * Adds headers to the request sent upstream and to the response sent back.
 * A header that is already there keeps its value and the injected one is added
 * beside it (the reference never overrides); a value that is an expression is
 * evaluated per request, and one that gives null (or a value no header may
 * hold) adds nothing.
 */
export const create: PolicyFactory<HeaderInjectionConfig> = (config, ctx) => {
  const scope = { basePath: ctx.basePath };
  const compile = (entries: HeaderInjectionConfig['inboundHeaders']): Injected[] =>
    entries.map(({ key, value }) => ({ name: key.toLowerCase(), value: compileStringValue(value, scope) }));
  const inbound = compile(config.inboundHeaders);
  const outbound = compile(config.outboundHeaders);
  const handlers: PolicyHandlers = {};
  if (inbound.length > 0) {
    handlers.request = (exchange) => {
      for (const { name, value } of inbound) {
        const text = value.evaluate(exchange);
        if (text !== null && !INVALID_VALUE.test(text)) addRequestHeader(exchange.requestHeaders, name, text);
      }
      return undefined;
    };
  }
  if (outbound.length > 0) {
    handlers.response = (exchange, response) => {
      for (const { name, value } of outbound) {
        const text = value.evaluate(exchange, response.status);
        if (text !== null && !INVALID_VALUE.test(text)) addResponseHeader(response.headers, name, text);
      }
    };
  }
  return handlers;
};

function addRequestHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  (headers as Record<string, string | string[]>)[name] =
    existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
}

/** Response header keys may come in any case (a policy may have set one): the injected value joins whichever spelling is there. */
function addResponseHeader(headers: OutgoingHttpHeaders, name: string, value: string): void {
  let key = name;
  if (headers[name] === undefined) {
    for (const k in headers) {
      if (k.toLowerCase() === name) {
        key = k;
        break;
      }
    }
  }
  const existing = headers[key];
  if (existing === undefined) headers[key] = value;
  else headers[key] = [...(Array.isArray(existing) ? existing : [String(existing)]), value];
}
