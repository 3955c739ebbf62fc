import type { Limit } from '../../manifest/types.js';
import type { ConfigProblem, PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface RateLimitingConfig {
  rateLimits: Limit[];
  keySelector: { source: 'api' | 'ip' | 'header' | 'client-id'; header?: string; clientIpHeader?: string; trustedProxies?: string[] };
  exposeHeaders: boolean;
  clusterizable: boolean;
  failMode: 'open' | 'closed';
}

/** Two windows of the same length in one stack: the larger one can never apply. */
export function checkStackedLimits(limits: readonly Limit[], at: (string | number)[]): ConfigProblem[] {
  const seen = new Map<number, number>();
  const problems: ConfigProblem[] = [];
  limits.forEach((limit, i) => {
    const previous = seen.get(limit.timePeriodInMilliseconds);
    if (previous !== undefined) {
      problems.push({ path: [...at, i, 'timePeriodInMilliseconds'], message: `two limits share the window ${limit.timePeriodInMilliseconds} ms (entries ${previous} and ${i}); keep one per window` });
    } else seen.set(limit.timePeriodInMilliseconds, i);
  });
  return problems;
}

export const rateLimiting: PolicyModule<RateLimitingConfig> = {
  type: 'rate-limiting',
  summary: 'Stacked fixed windows per key (whole API, client IP, header or client id); 429 when any window is full.',
  precedence: 'rate-limiting',
  provides: ['baseline-rate-limiting'],
  requires: [],
  secretFields: [],
  unordered: ['rateLimits', 'keySelector.trustedProxies'],
  check: (config) => checkStackedLimits(config.rateLimits, ['rateLimits']),
  create,
};
