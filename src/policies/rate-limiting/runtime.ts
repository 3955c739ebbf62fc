import { createHash } from 'node:crypto';
import { compileStringExpression } from '../expressions/index.js';
import type { Exchange, PolicyContext, PolicyFactory } from '../sdk/index.js';
import { parseBasicAuthorization } from '../shared/basic-authorization.js';
import { compileClientIdentifier, isApplication, rememberClient } from '../shared/client-identity.js';
import { compileClientIpResolver } from '../shared/client-ip.js';
import { compileCredentialsReader } from '../shared/credentials.js';
import { firstHeader, joinedHeader } from '../shared/headers.js';
import { LOCAL_CLIENT_ID } from '../shared/locals.js';
import { queryParam } from '../shared/query.js';
import { compileLimitVerdict, onDecision } from '../shared/rate-limit-decision.js';
import type { RateLimitingConfig } from './index.js';

type Selector = RateLimitingConfig['keySelector'];

/**
 * Stacked fixed windows per key, each started by the first request of its
 * key. clusterizable and failMode concern shared (Redis) storage, chosen
 * where ctx.counters is built; this runtime counts in whatever store it is
 * given, and answers 503 when that store is unreachable and the policy fails closed.
 */
export const create: PolicyFactory<RateLimitingConfig> = (config, ctx) => {
  const limits = config.rateLimits;
  const { counters, clock } = ctx;
  const keyOf = compileVerifiedKey(config.keySelector, `${ctx.apiName}/${ctx.policyName}`, ctx);
  const decide = compileLimitVerdict(config.exposeHeaders);
  return {
    request(exchange) {
      return onDecision(keyOf(exchange), (key) =>
        onDecision(counters.hit(key, limits, clock.now()), (decision) => decide(exchange, decision)),
      );
    },
  };
};

/** Where requests whose key names a client they could not prove to be count: together, never in that client's window. */
const UNVERIFIED = '\0unverified';
/** Where requests whose key expression gives null count: together, in a bucket of their own. */
const MISSING = '\0missing';

/** How a selector keys requests: its raw value, and the client id a request claims through the values the key is built from. */
interface KeySource {
  prefix: string;
  raw(exchange: Exchange): string;
  /** A client application of the API that the request names in what the key reads, or undefined. */
  claim(exchange: Exchange, value: string): string | undefined;
}

/**
 * The counter key of a request. A key built from a value that names a client
 * application of this API (its client id: the key itself, or a header, query
 * parameter or Basic user an expression key reads) counts under that client
 * only when the request proves it is that client, with the credentials the
 * chain reads (ctx.clientCredentials), checked here, where the key is taken:
 * under strict precedence the limit runs before client-id enforcement, and an
 * unproven client id must not spend a partner's quota. The selector is part of
 * the key, so changing it starts fresh.
 */
function compileVerifiedKey(
  selector: Selector,
  scope: string,
  ctx: PolicyContext,
): (exchange: Exchange) => string | Promise<string> {
  const source = compileKeySource(selector, scope, ctx);
  const identify = compileClientIdentifier(ctx.clientCredentials, ctx.applications, ctx.basePath);
  const { prefix } = source;
  return (exchange) => {
    const value = source.raw(exchange);
    const claimed = source.claim(exchange, value);
    if (claimed === undefined || exchange.locals[LOCAL_CLIENT_ID] === claimed) return prefix + value;
    return onDecision(identify(exchange), (identified) => {
      if (!isApplication(identified) || identified.clientId !== claimed) return prefix + UNVERIFIED;
      rememberClient(exchange, identified);
      return prefix + value;
    });
  };
}

function compileKeySource(selector: Selector, scope: string, ctx: PolicyContext): KeySource {
  const { applications } = ctx;
  const named = (value: string | undefined): string | undefined =>
    value !== undefined && applications.has(value) ? value : undefined;
  if (typeof selector === 'string') return compileExpressionKey(selector, scope, ctx, named);
  const claim = (_exchange: Exchange, value: string) => named(value);
  switch (selector.source) {
    case 'api':
      return { prefix: `${scope}/api`, raw: () => '', claim: () => undefined };
    case 'ip': {
      // Behind trusted proxies, the client they forwarded; a chain that cannot be parsed counts in one bucket.
      const clientIp = compileClientIpResolver(selector, ctx.basePath);
      return { prefix: `${scope}/ip:`, raw: (exchange) => clientIp(exchange) ?? '', claim };
    }
    case 'header': {
      // The schema requires `header` for this source.
      const name = (selector.header ?? '').toLowerCase();
      return {
        prefix: `${scope}/header:${name}:`,
        raw: (exchange) => joinedHeader(exchange.requestHeaders, name) ?? '',
        claim,
      };
    }
    case 'client-id': {
      const read = compileCredentialsReader(ctx.clientCredentials, ctx.basePath);
      const raw = (exchange: Exchange): string => {
        const identified = exchange.locals[LOCAL_CLIENT_ID];
        return typeof identified === 'string' ? identified : (read(exchange).clientId ?? '');
      };
      return { prefix: `${scope}/client-id:`, raw, claim };
    }
  }
}

/**
 * An expression key: its value, or the bucket of requests without one. It
 * claims a client when its value, or any header, query parameter or Basic
 * user it reads, is a client id of the API.
 */
function compileExpressionKey(
  text: string,
  scope: string,
  ctx: PolicyContext,
  named: (value: string | undefined) => string | undefined,
): KeySource {
  const expression = compileStringExpression(text, { basePath: ctx.basePath });
  // The expression's digest names its counters: another expression starts fresh, and keys stay short.
  const prefix = `${scope}/expr:${createHash('sha256').update(text).digest('hex').slice(0, 12)}:`;
  const headers = expression.headers;
  const params = expression.queryParams;
  const readsAuthorization = headers.includes('authorization');
  return {
    prefix,
    raw: (exchange) => expression.evaluate(exchange) ?? MISSING,
    claim: (exchange, value) => {
      const own = named(value);
      if (own !== undefined) return own;
      for (const header of headers) {
        const claimed = named(joinedHeader(exchange.requestHeaders, header));
        if (claimed !== undefined) return claimed;
      }
      for (const param of params) {
        const claimed = named(queryParam(exchange.search, param));
        if (claimed !== undefined) return claimed;
      }
      return readsAuthorization
        ? named(parseBasicAuthorization(firstHeader(exchange.requestHeaders, 'authorization'))?.user)
        : undefined;
    },
  };
}
