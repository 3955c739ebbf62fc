import type { Exchange, PolicyFactory } from '../../gateway/chain/types.js';
import { compileClientIpResolver } from '../shared/client-ip.js';
import { firstHeader, joinedHeader } from '../shared/headers.js';
import { LOCAL_CLIENT_ID } from '../shared/locals.js';
import { compileLimitVerdict, onDecision } from '../shared/rate-limit-decision.js';
import type { RateLimitingConfig } from './index.js';

/**
 * Stacked fixed windows per key. clusterizable and failMode concern shared
 * (Redis) storage, chosen where ctx.counters is built; this runtime counts in
 * whatever store it is given, and answers 503 when that store is unreachable
 * and the policy fails closed.
 */
export const create: PolicyFactory<RateLimitingConfig> = (config, ctx) => {
  const limits = config.rateLimits;
  const { exposeHeaders } = config;
  const counters = ctx.counters;
  const keyOf = compileKeySelector(config.keySelector, `${ctx.apiName}/${ctx.policyName}`);

  const decide = compileLimitVerdict(exposeHeaders);

  return {
    request(exchange) {
      return onDecision(counters.hit(keyOf(exchange), limits, Date.now()), (decision) => decide(exchange, decision));
    },
  };
};

/** The counter key of a request; the selector's source is part of it so that changing the selector starts fresh. */
function compileKeySelector(selector: RateLimitingConfig['keySelector'], scope: string): (exchange: Exchange) => string {
  switch (selector.source) {
    case 'api': {
      const key = `${scope}/api`;
      return () => key;
    }
    case 'ip': {
      const prefix = `${scope}/ip:`;
      // Behind trusted proxies, the client they forwarded; a chain that cannot be parsed counts in one bucket.
      const clientIp = compileClientIpResolver(selector);
      return (exchange) => prefix + (clientIp(exchange) ?? '');
    }
    case 'header': {
      // The schema requires `header` for this source.
      const name = (selector.header ?? '').toLowerCase();
      const prefix = `${scope}/header:${name}:`;
      // Requests without the header share one bucket (the empty value).
      return (exchange) => prefix + (joinedHeader(exchange.requestHeaders, name) ?? '');
    }
    case 'client-id': {
      const prefix = `${scope}/client-id:`;
      return (exchange) => {
        // An earlier client identification wins over the raw header: it is verified.
        const identified = exchange.locals[LOCAL_CLIENT_ID];
        const clientId = typeof identified === 'string' ? identified : firstHeader(exchange.requestHeaders, 'client_id');
        return prefix + (clientId ?? '');
      };
    }
  }
}

