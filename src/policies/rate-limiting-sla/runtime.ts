import type { ApplicationRuntime, Exchange, PolicyFactory, Reply } from '../sdk/index.js';
import { compileClientIdentifier, isApplication, rememberClient, rememberedClient } from '../shared/client-identity.js';
import { compileLimitVerdict, onDecision } from '../shared/rate-limit-decision.js';
import { jsonError } from '../shared/replies.js';
import type { RateLimitingSlaConfig } from './index.js';

/**
 * Limits each client application by the stacked limits of its contract's SLA
 * tier. The client is the one an earlier client-id-enforcement identified, or
 * is identified here the same way.
 */
export const create: PolicyFactory<RateLimitingSlaConfig> = (config, ctx) => {
  const { applications, counters, clock } = ctx;
  const { exposeHeaders } = config;
  const identify = compileClientIdentifier(config, applications, ctx.basePath);
  const prefix = `${ctx.apiName}/${ctx.policyName}/client:`;
  const noTier = `no SLA tier: the application's contract for ${ctx.apiName} ${ctx.apiVersion} names no tier`;

  const decide = compileLimitVerdict(exposeHeaders);

  const limit = (
    exchange: Exchange,
    application: ApplicationRuntime,
  ): Reply | undefined | Promise<Reply | undefined> => {
    const tier = application.tier;
    if (tier === undefined) return jsonError(401, noTier);
    // A tier without limits is unlimited: nothing to count.
    if (tier.limits.length === 0) return undefined;
    return onDecision(counters.hit(prefix + application.clientId, tier.limits, clock.now()), (decision) =>
      decide(exchange, decision),
    );
  };

  return {
    request(exchange) {
      const remembered = rememberedClient(exchange, applications);
      if (remembered !== undefined) return limit(exchange, remembered);
      return onDecision(identify(exchange), (identified) => {
        if (!isApplication(identified)) return identified;
        rememberClient(exchange, identified);
        return limit(exchange, identified);
      });
    },
  };
};
