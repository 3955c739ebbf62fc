import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, PolicyFactory, Reply, ResponseView } from '../sdk/index.js';
import { appendToken, firstHeader } from '../shared/headers.js';
import type { CorsConfig, OriginGroup } from './index.js';
import { ALL_METHODS } from './schema.js';

/** What the gateway answers for one allowed origin, precomputed per origin group. */
interface CorsMatch {
  /** '*' for public resources and wildcard groups; undefined means echo the request's origin. */
  allowOrigin: '*' | undefined;
  /** Preflight headers except Allow-Origin. */
  preflight: OutgoingHttpHeaders;
  /** No configured allowed headers: reflect what the browser asks for. */
  reflectRequestHeaders: boolean;
  /** Headers of actual (non-preflight) responses except Allow-Origin. */
  actual: OutgoingHttpHeaders;
}

// The schema's defaults for an origin group: what a public resource without groups allows.
const DEFAULT_GROUP: OriginGroup = {
  origins: ['*'],
  accessControlMaxAge: 30,
  allowedMethods: [...ALL_METHODS],
  headers: [],
  exposedHeaders: [],
};

const MATCH_LOCAL = 'cors.match';
const ORIGIN_LOCAL = 'cors.origin';

export const create: PolicyFactory<CorsConfig> = (config) => {
  const byOrigin = new Map<string, CorsMatch>();
  let wildcard: CorsMatch | undefined;
  for (const group of config.originGroups) {
    for (const origin of group.origins) {
      if (origin === '*') wildcard ??= compileMatch(group, '*', false);
      else if (!byOrigin.has(origin.toLowerCase())) {
        byOrigin.set(
          origin.toLowerCase(),
          compileMatch(
            group,
            config.publicResource ? '*' : undefined,
            config.supportCredentials && !config.publicResource,
          ),
        );
      }
    }
  }
  // A public resource admits every origin, with '*' and never with credentials (browsers refuse that pair).
  if (config.publicResource) wildcard ??= compileMatch(DEFAULT_GROUP, '*', false);

  const resolve = (origin: string): CorsMatch | undefined => byOrigin.get(origin.toLowerCase()) ?? wildcard;

  return {
    request(exchange) {
      const origin = firstHeader(exchange.requestHeaders, 'origin');
      // Every OPTIONS request is the gateway's to answer (the reference's rule): it never reaches the upstream.
      if (exchange.method === 'OPTIONS') {
        if (origin !== undefined && exchange.requestHeaders['access-control-request-method'] !== undefined)
          return preflightReply(exchange, origin, resolve(origin));
        return optionsReply(origin, origin === undefined ? undefined : resolve(origin));
      }
      if (origin === undefined) return undefined;
      const match = resolve(origin);
      if (match !== undefined) {
        // The response handler adds the headers, so that rejections by later policies carry them too.
        exchange.locals[MATCH_LOCAL] = match;
        exchange.locals[ORIGIN_LOCAL] = origin;
      }
      return undefined;
    },
    response(exchange, response) {
      const match = exchange.locals[MATCH_LOCAL] as CorsMatch | undefined;
      if (match === undefined) return;
      addActualHeaders(response, match, exchange.locals[ORIGIN_LOCAL] as string);
    },
  };
};

function compileMatch(group: OriginGroup, allowOrigin: '*' | undefined, credentials: boolean): CorsMatch {
  const preflight: OutgoingHttpHeaders = {
    'access-control-allow-methods': allowedMethods(group).join(', '),
    'access-control-max-age': String(group.accessControlMaxAge),
  };
  if (group.headers.length > 0) preflight['access-control-allow-headers'] = group.headers.join(', ');
  const actual: OutgoingHttpHeaders = {};
  if (group.exposedHeaders.length > 0) actual['access-control-expose-headers'] = group.exposedHeaders.join(', ');
  if (credentials) {
    preflight['access-control-allow-credentials'] = 'true';
    actual['access-control-allow-credentials'] = 'true';
  }
  return { allowOrigin, preflight, reflectRequestHeaders: group.headers.length === 0, actual };
}

/** The gateway answers preflights itself; an origin that is not allowed gets a 204 without CORS headers. */
function preflightReply(exchange: Exchange, origin: string, match: CorsMatch | undefined): Reply {
  // A fresh object per reply: later handlers may add to it.
  const headers: OutgoingHttpHeaders = { vary: 'Origin' };
  if (match === undefined) return { status: 204, headers };
  Object.assign(headers, match.preflight);
  headers['access-control-allow-origin'] = match.allowOrigin ?? origin;
  if (match.reflectRequestHeaders) {
    const requested = firstHeader(exchange.requestHeaders, 'access-control-request-headers');
    if (requested !== undefined) headers['access-control-allow-headers'] = requested;
    headers.vary = 'Origin, Access-Control-Request-Headers';
  }
  return { status: 204, headers };
}

/** Method names, or the reference's {methodName, isAllowed} entries: the allowed ones, each once. */
function allowedMethods(group: OriginGroup): string[] {
  const names = group.allowedMethods.map((entry) =>
    typeof entry === 'string' ? entry : entry.isAllowed ? entry.methodName : undefined,
  );
  return [...new Set(names.filter((name): name is (typeof ALL_METHODS)[number] => name !== undefined))];
}

/** An OPTIONS request that is not a preflight: answered here, with the headers an actual response of an allowed origin gets. */
function optionsReply(origin: string | undefined, match: CorsMatch | undefined): Reply {
  const headers: OutgoingHttpHeaders = { vary: 'Origin' };
  if (origin !== undefined && match !== undefined) {
    Object.assign(headers, match.actual);
    headers['access-control-allow-origin'] = match.allowOrigin ?? origin;
  }
  return { status: 204, headers };
}

function addActualHeaders(response: ResponseView, match: CorsMatch, origin: string): void {
  const headers = response.headers;
  headers['access-control-allow-origin'] = match.allowOrigin ?? origin;
  for (const name in match.actual) headers[name] = match.actual[name];
  appendToken(headers, 'vary', 'Origin');
}
