import type { Limit } from '../../policies/sdk/index.js';
import type { WindowDecision } from './types.js';
import { WorstWindow } from './worst-window.js';

/**
 * The start of both scripts: `now` is ARGV[1] in ms, or (negative) the Redis
 * server's clock, one clock for every replica (TIME needs effects replication
 * on Redis before 5).
 */
const SCRIPT_CLOCK = `if redis.replicate_commands then redis.replicate_commands() end
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * One hit on a stack of fixed windows, atomically, in one round trip.
 *
 * A window of a key starts with the first hit it admits, not at a clock
 * boundary: each window is a hash `<namespace><caller key>:<period>` holding
 * its start (`s`, ms) and count (`c`), expiring when the window ends. A window
 * that ended (or never started) has room, and the next admitted hit starts it.
 *
 * KEYS: one per distinct window period.
 * ARGV: now (ms; negative: use the Redis server's clock, one clock for every
 *       replica), then per key its period and the smallest maximum stacked on it.
 * Returns {allowed (1|0), now, count per key, start per key}: counts after the
 *       hit when it was admitted, before it otherwise (a rejected hit is counted
 *       nowhere and starts nothing; a window not running reports count 0, start now).
 *
 * Every key a script writes starts with the same `{environment}` hash tag, so
 * they share a cluster slot.
 */
export const HIT_SCRIPT = `
${SCRIPT_CLOCK}local n = #KEYS
local counts = {}
local starts = {}
local running = {}
local allowed = 1
for i = 1, n do
  local period = tonumber(ARGV[2 * i])
  local window = redis.call('HMGET', KEYS[i], 's', 'c')
  local start = tonumber(window[1])
  local count = tonumber(window[2]) or 0
  if start == nil or now >= start + period then
    start = now
    count = 0
    running[i] = false
  else
    running[i] = true
  end
  starts[i] = start
  counts[i] = count
  if count >= tonumber(ARGV[2 * i + 1]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, n do
    if running[i] then
      counts[i] = redis.call('HINCRBY', KEYS[i], 'c', 1)
    else
      redis.call('HSET', KEYS[i], 's', now, 'c', 1)
      redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[2 * i]))
      counts[i] = 1
    end
  end
end
local reply = { allowed, now }
for i = 1, n do reply[2 + i] = counts[i] end
for i = 1, n do reply[2 + n + i] = starts[i] end
return reply
`;

/**
 * One hit on a sliding window, atomically: the admissions of the last period
 * are a sorted set (score: the time admitted), trimmed to the period on every
 * hit, so it never holds more than the window's maximum. Exact: a request is
 * admitted when fewer than the maximum were admitted in the period before it.
 *
 * KEYS[1]: `<namespace><caller key>:sliding:<period>`.
 * ARGV: now (as for HIT_SCRIPT), period, maximum.
 * Returns {allowed (1|0), now, admissions in the window after the hit, time of the oldest}.
 */
export const SLIDE_SCRIPT = `
${SCRIPT_CLOCK}local period = tonumber(ARGV[2])
local max = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 0
if count < max then
  -- Admissions within one millisecond get members of their own: the count before each is distinct.
  redis.call('ZADD', KEYS[1], now, string.format('%d', now) .. ':' .. count)
  redis.call('PEXPIRE', KEYS[1], period)
  count = count + 1
  allowed = 1
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { allowed, now, count, tonumber(oldest[2]) or now }
`;

/** What a limit stack sends with every hit, computed once per stack (stacks live as long as a compiled policy). */
export interface HitPlan {
  /** Distinct periods, in first-seen order. */
  periods: number[];
  /** `:<period>` per distinct period, appended to the caller's key. */
  suffixes: string[];
  /** ARGV after `now`: period and smallest maximum per distinct period. */
  args: string[];
  /** For each limit, the index of its period in `periods`. */
  slotOf: number[];
}

const plans = new WeakMap<readonly Limit[], HitPlan>();

export function hitPlan(limits: readonly Limit[]): HitPlan {
  let plan = plans.get(limits);
  if (plan) return plan;
  const periods: number[] = [];
  const maxima: number[] = [];
  const slotOf: number[] = [];
  for (const limit of limits) {
    let slot = periods.indexOf(limit.timePeriodInMilliseconds);
    if (slot === -1) {
      slot = periods.push(limit.timePeriodInMilliseconds) - 1;
      maxima.push(limit.maximumRequests);
    } else {
      // Two limits on one window share its count (as in memory): the smaller maximum decides.
      maxima[slot] = Math.min(maxima[slot] as number, limit.maximumRequests);
    }
    slotOf.push(slot);
  }
  plan = {
    periods,
    suffixes: periods.map((p) => `:${p}`),
    args: periods.flatMap((p, i) => [String(p), String(maxima[i])]),
    slotOf,
  };
  plans.set(limits, plan);
  return plan;
}

/**
 * The script's answer as MemoryCounterStore would have decided it: the most
 * restrictive window (least remaining; ties go to the one that resets last).
 */
export function decisionFromReply(limits: readonly Limit[], plan: HitPlan, reply: readonly unknown[]): WindowDecision {
  const allowed = reply[0] === 1;
  const now = Number(reply[1]);
  const n = plan.periods.length;
  const worst = new WorstWindow();
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i] as Limit;
    const slot = plan.slotOf[i] as number;
    const count = Number(reply[2 + slot]);
    const start = Number(reply[2 + n + slot]);
    worst.consider(limit.maximumRequests, count, start + limit.timePeriodInMilliseconds - now);
  }
  return worst.decision(allowed);
}

/** The sliding script's answer, as MemoryCounterStore.slide decides it. */
export function slideDecisionFromReply(limit: Limit, reply: readonly unknown[]): WindowDecision {
  const allowed = reply[0] === 1;
  const now = Number(reply[1]);
  const remaining = Math.max(0, limit.maximumRequests - Number(reply[2]));
  return {
    allowed,
    limit: limit.maximumRequests,
    remaining,
    resetMs: remaining > 0 ? 0 : Number(reply[3]) + limit.timePeriodInMilliseconds - now,
  };
}
