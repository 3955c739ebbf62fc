import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, Reply } from '../sdk/index.js';
import type { WindowDecision } from '../sdk/index.js';
import { jsonError } from './replies.js';

/**
 * Runs `then` on a decision (a counter's, a credential check's). A synchronous
 * one (memory counters, a remembered credential) stays synchronous: no promise,
 * no microtask on the hot path; an asynchronous one (Redis, scrypt) is chained.
 */
export function onDecision<D, T>(decision: D | PromiseLike<D>, then: (decision: D) => T | Promise<T>): T | Promise<T> {
  return isPromiseLike(decision) ? Promise.resolve(decision).then(then) : then(decision);
}

export function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === 'function';
}

/** Writes X-RateLimit-Limit/-Remaining/-Reset (ms until the most restrictive window resets). */
export function setRateLimitHeaders(headers: OutgoingHttpHeaders, decision: WindowDecision): void {
  headers['x-ratelimit-limit'] = String(decision.limit);
  headers['x-ratelimit-remaining'] = String(decision.remaining);
  headers['x-ratelimit-reset'] = String(decision.resetMs);
}

/** The 429 of every limiting policy, with the limit headers when they are exposed. */
export function tooManyRequests(decision: WindowDecision, exposeHeaders: boolean): Reply {
  if (!exposeHeaders) return jsonError(429, 'rate limit exceeded');
  const headers: OutgoingHttpHeaders = {};
  setRateLimitHeaders(headers, decision);
  return jsonError(429, 'rate limit exceeded', headers);
}

/** failMode closed and the shared storage unreachable: the request can be neither counted nor admitted. */
export function storageUnavailable(): Reply {
  return jsonError(503, 'rate limit storage unavailable', { 'retry-after': '1' });
}

/** What rate-limiting and rate-limiting-sla answer to a decision: 503, 429, or pass (with the headers when exposed). */
export function compileLimitVerdict(
  exposeHeaders: boolean,
): (exchange: Exchange, decision: WindowDecision) => Reply | undefined {
  return (exchange, decision) => {
    if (decision.unavailable) return storageUnavailable();
    if (!decision.allowed) return tooManyRequests(decision, exposeHeaders);
    if (exposeHeaders) setRateLimitHeaders(exchange.responseHeaders, decision);
    return undefined;
  };
}
