import type { PolicyFactory } from '../../gateway/chain/types.js';
import { compileClientIdentifier, isRejection, rememberClient } from '../shared/client-identity.js';
import { jsonError } from '../shared/replies.js';
import type { ClientIdEnforcementConfig } from './index.js';

/** Admits only applications with a contract for this API version; 401 otherwise. */
export const create: PolicyFactory<ClientIdEnforcementConfig> = (config, ctx) => {
  const identify = compileClientIdentifier(config, ctx.applications);
  return {
    request(exchange) {
      const identified = identify(exchange);
      if (isRejection(identified)) return jsonError(identified.rejected, identified.message);
      rememberClient(exchange, identified);
      return undefined;
    },
  };
};
