import type { Exchange, PolicyFactory, Reply } from '../sdk/index.js';
import type { Limit, WindowDecision } from '../sdk/index.js';
import { onDecision, setRateLimitHeaders, storageUnavailable, tooManyRequests } from '../shared/rate-limit-decision.js';
import type { SpikeControlConfig } from './index.js';

/** Requests currently held for a retry; kept across reloads so a reload cannot reopen a full queue. */
interface WaitingRoom {
  waiting: number;
}

/**
 * A sliding window over the whole API (the reference's spike control): over
 * the limit a request waits delayTimeInMillis and tries again, up to
 * delayAttempts times, while at most queuingLimit wait; then 429.
 */
export const create: PolicyFactory<SpikeControlConfig> = (config, ctx) => {
  const key = `${ctx.apiName}/${ctx.policyName}`;
  // One object per compiled policy: shared storage's fast path recognizes the limit by identity.
  const limit: Limit = {
    maximumRequests: config.maximumRequests,
    timePeriodInMilliseconds: config.timePeriodInMilliseconds,
  };
  const { delayAttempts, delayTimeInMillis, queuingLimit, exposeHeaders } = config;
  const room = ctx.keep<WaitingRoom>('waiting-room', () => ({ waiting: 0 }));
  const { counters, clock } = ctx;

  const admit = (exchange: Exchange, decision: WindowDecision): undefined => {
    if (exposeHeaders) setRateLimitHeaders(exchange.responseHeaders, decision);
    return undefined;
  };

  /** Holds the request for delayTimeInMillis and tries again, up to delayAttempts times. */
  const waitAndRetry = async (exchange: Exchange, first: WindowDecision): Promise<Reply | undefined> => {
    room.waiting++;
    try {
      let decision = first;
      for (let attempt = 0; attempt < delayAttempts; attempt++) {
        // One delay at a time: it holds up shutdown by at most that.
        await clock.sleep(delayTimeInMillis);
        decision = await counters.slide(key, limit, clock.now());
        if (decision.unavailable) return storageUnavailable();
        if (decision.allowed) return admit(exchange, decision);
      }
      return tooManyRequests(decision, exposeHeaders);
    } finally {
      room.waiting--;
    }
  };

  const decide = (exchange: Exchange, decision: WindowDecision): Reply | undefined | Promise<Reply | undefined> => {
    if (decision.allowed) return admit(exchange, decision);
    if (decision.unavailable) return storageUnavailable();
    if (delayAttempts === 0 || room.waiting >= queuingLimit) return tooManyRequests(decision, exposeHeaders);
    return waitAndRetry(exchange, decision);
  };

  return {
    request(exchange) {
      return onDecision(counters.slide(key, limit, clock.now()), (decision) => decide(exchange, decision));
    },
  };
};
