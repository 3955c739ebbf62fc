import type { PolicyFactory } from '../sdk/index.js';
import { compileClientIdentifier, isApplication, rememberClient } from '../shared/client-identity.js';
import { onDecision } from '../shared/rate-limit-decision.js';
import type { ClientIdEnforcementConfig } from './index.js';

/** Admits only applications with a contract for this API version; 401 otherwise. */
export const create: PolicyFactory<ClientIdEnforcementConfig> = (config, ctx) => {
  const identify = compileClientIdentifier(config, ctx.applications, ctx.basePath);
  return {
    request(exchange) {
      return onDecision(identify(exchange), (identified) => {
        if (!isApplication(identified)) return identified;
        rememberClient(exchange, identified);
        return undefined;
      });
    },
  };
};
