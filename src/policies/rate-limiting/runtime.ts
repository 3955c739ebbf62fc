import type { Exchange, PolicyContext, PolicyFactory } from '../sdk/index.js';
import { compileClientIdentifier, isApplication, rememberClient } from '../shared/client-identity.js';
import { compileClientIpResolver } from '../shared/client-ip.js';
import { compileCredentialsReader } from '../shared/credentials.js';
import { joinedHeader } from '../shared/headers.js';
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
  const { source, header } = config.keySelector;
  const scope = `${ctx.apiName}/${ctx.policyName}`;
  const prefix = source === 'api' ? `${scope}/api` : source === 'header' ? `${scope}/header:${header?.toLowerCase()}:` : `${scope}/${source}:`;
  const keyOf = compileVerifiedKey(config.keySelector, prefix, ctx);

  const decide = compileLimitVerdict(exposeHeaders);

  return {
    request(exchange) {
      return onDecision(keyOf(exchange), (key) => onDecision(counters.hit(key, limits, Date.now()), (decision) => decide(exchange, decision)));
    },
  };
};

/** Where requests whose key names a client they could not prove to be count: together, never in that client's window. */
const UNVERIFIED = '\0unverified';

/**
 * The counter key of a request. A key that names a client application of this
 * API (its client id) counts under that client only when the request proves it
 * is that client, with the credentials the chain reads (ctx.clientCredentials),
 * checked here, where the key is taken: under strict precedence the limit runs
 * before client-id enforcement, and an unproven client id must not spend a
 * partner's quota. The selector's source is part of the key, so changing it starts fresh.
 */
function compileVerifiedKey(selector: RateLimitingConfig['keySelector'], prefix: string, ctx: PolicyContext): (exchange: Exchange) => string | Promise<string> {
  const raw = compileRawKey(selector, ctx);
  const identify = compileClientIdentifier(ctx.clientCredentials, ctx.applications);
  return (exchange) => {
    const value = raw(exchange) ?? '';
    if (!ctx.applications.has(value) || exchange.locals[LOCAL_CLIENT_ID] === value) return prefix + value;
    return onDecision(identify(exchange), (identified) => {
      if (!isApplication(identified) || identified.clientId !== value) return prefix + UNVERIFIED;
      rememberClient(exchange, identified);
      return prefix + value;
    });
  };
}

/** The selector's value for a request, as presented; undefined when the request has none (they share one window). */
function compileRawKey(selector: RateLimitingConfig['keySelector'], ctx: PolicyContext): (exchange: Exchange) => string | undefined {
  switch (selector.source) {
    case 'api':
      return () => '';
    case 'ip':
      // Behind trusted proxies, the client they forwarded; a chain that cannot be parsed counts in one bucket.
      return compileClientIpResolver(selector);
    case 'header': {
      // The schema requires `header` for this source.
      const name = (selector.header ?? '').toLowerCase();
      return (exchange) => joinedHeader(exchange.requestHeaders, name);
    }
    case 'client-id': {
      const read = compileCredentialsReader(ctx.clientCredentials);
      return (exchange) => {
        const identified = exchange.locals[LOCAL_CLIENT_ID];
        return typeof identified === 'string' ? identified : read(exchange).clientId;
      };
    }
  }
}
