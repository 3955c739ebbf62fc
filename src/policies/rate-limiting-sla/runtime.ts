import type { ApplicationRuntime, Exchange, PolicyFactory, RequestOutcome } from '../../gateway/chain/types.js';
import type { WindowDecision } from '../../gateway/counters/types.js';
import { compileClientIdentifier, rememberClient, rememberedClient } from '../shared/client-identity.js';
import { onDecision, setRateLimitHeaders, tooManyRequests } from '../shared/rate-limit-decision.js';
import { jsonError } from '../shared/replies.js';
import type { RateLimitingSlaConfig } from './index.js';

/**
 * Limits each client application by the stacked limits of its contract's SLA
 * tier. The client is the one an earlier client-id-enforcement identified, or
 * is identified here the same way.
 */
export const create: PolicyFactory<RateLimitingSlaConfig> = (config, ctx) => {
  const { applications, counters } = ctx;
  const { exposeHeaders } = config;
  const identify = compileClientIdentifier(config, applications);
  const prefix = `${ctx.apiName}/${ctx.policyName}/client:`;
  const noTier = `no SLA tier: the application's contract for ${ctx.apiName} ${ctx.apiVersion} names no tier`;

  const decide = (exchange: Exchange, decision: WindowDecision): RequestOutcome => {
    if (decision.unavailable) return storageUnavailable();
    if (!decision.allowed) return tooManyRequests(decision, exposeHeaders);
    if (exposeHeaders) setRateLimitHeaders(exchange.responseHeaders, decision);
    return undefined;
  };

  return {
    request(exchange) {
      let application: ApplicationRuntime | undefined = rememberedClient(exchange, applications);
      if (application === undefined) {
        const identified = identify(exchange);
        if (typeof identified === 'string') return jsonError(401, identified);
        application = identified;
        rememberClient(exchange, application);
      }
      const tier = application.tier;
      if (tier === undefined) return jsonError(401, noTier);
      // A tier without limits is unlimited: nothing to count.
      if (tier.limits.length === 0) return undefined;
      return onDecision(counters.hit(prefix + application.clientId, tier.limits, Date.now()), (decision) => decide(exchange, decision));
    },
  };
};

/** failMode closed and the shared storage unreachable: the request can be neither counted nor admitted. */
function storageUnavailable(): RequestOutcome {
  return jsonError(503, 'rate limit storage unavailable', { 'retry-after': '1' });
}
