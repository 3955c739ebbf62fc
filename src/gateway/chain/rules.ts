import type { Rule } from '../../manifest/types.js';
import type { Exchange } from './types.js';

export type ExchangeMatcher = (exchange: Exchange) => boolean;

/** Rules are ORed; the fields of one rule are ANDed. Regexes are compiled here, once per reload. */
export function compileRules(rules: readonly Rule[] | undefined): ExchangeMatcher | undefined {
  if (!rules || rules.length === 0) return undefined;
  const matchers = rules.map(compileRule);
  return (exchange) => matchers.some((m) => m(exchange));
}

function compileRule(rule: Rule): ExchangeMatcher {
  const path = rule.path === undefined ? undefined : new RegExp(rule.path);
  const methods = rule.methods === undefined ? undefined : new Set(rule.methods);
  const host = rule.host === undefined ? undefined : new RegExp(rule.host);
  const headers = Object.entries(rule.headers ?? {}).map(
    ([name, pattern]) => [name.toLowerCase(), new RegExp(pattern)] as const,
  );
  return (ex) => {
    if (methods && !methods.has(ex.method)) return false;
    if (path && !path.test(ex.path)) return false;
    if (host && !host.test(ex.host)) return false;
    for (const [name, pattern] of headers) {
      const value = ex.requestHeaders[name];
      if (value === undefined || !pattern.test(Array.isArray(value) ? value.join(', ') : value)) return false;
    }
    return true;
  };
}
