import type { Limit } from '../../manifest/types.js';
import type { WindowDecision } from './types.js';
import { WorstWindow } from './worst-window.js';

/**
 * One hit on a stack of fixed windows, atomically, in one round trip.
 *
 * KEYS: one per distinct window period, `<namespace><caller key>:<period>`;
 *       the script appends `:<window start>` so every window has its own key,
 *       which expires when the window ends.
 * ARGV: now (ms; negative: use the Redis server's clock, one clock for every
 *       replica), then per key its period and the smallest maximum stacked on it.
 * Returns {allowed (1|0), now, count per key}: counts after the hit when it was
 *       admitted, before it otherwise (a rejected hit is counted nowhere).
 *
 * Every key a script writes starts with the same `{environment}` hash tag, so
 * they share a cluster slot.
 */
export const HIT_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local n = #KEYS
local names = {}
local counts = {}
local allowed = 1
for i = 1, n do
  local period = tonumber(ARGV[2 * i])
  local start = now - (now % period)
  local name = KEYS[i] .. ':' .. string.format('%d', start)
  names[i] = name
  local count = tonumber(redis.call('GET', name) or '0')
  counts[i] = count
  if count >= tonumber(ARGV[2 * i + 1]) then allowed = 0 end
end
if allowed == 1 then
  for i = 1, n do
    local count = redis.call('INCR', names[i])
    counts[i] = count
    if count == 1 then
      local period = tonumber(ARGV[2 * i])
      redis.call('PEXPIRE', names[i], period - (now % period))
    end
  end
end
return { allowed, now, unpack(counts) }
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
 * Also returns, for a rejection, how long until every full window has reset
 * (the local fast path rejects without a round trip until then).
 */
export function decisionFromReply(limits: readonly Limit[], plan: HitPlan, reply: readonly unknown[]): WindowDecision {
  const allowed = reply[0] === 1;
  const now = Number(reply[1]);
  const worst = new WorstWindow();
  for (let i = 0; i < limits.length; i++) {
    const limit = limits[i] as Limit;
    const period = limit.timePeriodInMilliseconds;
    worst.consider(limit.maximumRequests, Number(reply[2 + (plan.slotOf[i] as number)]), period - (now % period));
  }
  return worst.decision(allowed);
}
