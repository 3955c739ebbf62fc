import type { PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import { deleteHeaders } from '../shared/headers.js';
import type { HeaderInjectionConfig } from './index.js';

/** Sets headers on the request sent upstream and on the response sent back, replacing any existing value. */
export const create: PolicyFactory<HeaderInjectionConfig> = (config) => {
  const inbound = compile(config.inboundHeaders);
  const outbound = compile(config.outboundHeaders);
  const outboundNames = new Set(outbound.map(([name]) => name));
  const handlers: PolicyHandlers = {};
  if (inbound.length > 0) {
    handlers.request = (exchange) => {
      const headers = exchange.requestHeaders;
      for (const [name, value] of inbound) headers[name] = value;
      return undefined;
    };
  }
  if (outbound.length > 0) {
    handlers.response = (_exchange, response) => {
      const headers = response.headers;
      // Response keys may come in any case: drop other spellings so the injected value is the only one.
      deleteHeaders(headers, outboundNames);
      for (const [name, value] of outbound) headers[name] = value;
    };
  }
  return handlers;
};

/** Lower-cased names; several entries with one name become one comma-joined value, as HTTP folds them. */
function compile(entries: readonly { key: string; value: string }[]): [string, string][] {
  const byName = new Map<string, string>();
  for (const { key, value } of entries) {
    const name = key.toLowerCase();
    const previous = byName.get(name);
    byName.set(name, previous === undefined ? value : `${previous}, ${value}`);
  }
  return [...byName];
}
