import type { PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import { deleteHeaders } from '../shared/headers.js';
import type { HeaderRemovalConfig } from './index.js';

/** Removes headers, whatever their case, from the request sent upstream and from the response sent back. */
export const create: PolicyFactory<HeaderRemovalConfig> = (config) => {
  const inbound = new Set(config.inboundHeaders.map((name) => name.toLowerCase()));
  const outbound = new Set(config.outboundHeaders.map((name) => name.toLowerCase()));
  const handlers: PolicyHandlers = {};
  if (inbound.size > 0) {
    handlers.request = (exchange) => {
      deleteHeaders(exchange.requestHeaders, inbound);
      return undefined;
    };
  }
  if (outbound.size > 0) {
    handlers.response = (_exchange, response) => deleteHeaders(response.headers, outbound);
  }
  return handlers;
};
