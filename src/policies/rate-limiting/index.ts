import type { Limit } from '../../manifest/types.js';
import type { ConfigProblem, PolicyModule } from '../sdk/index.js';
import { checkExpression } from '../shared/expression-checks.js';
import { create } from './runtime.js';
import { schema, type RateLimitingConfig } from './schema.js';

export type { RateLimitingConfig };

/** Two windows of the same length in one stack: the larger one can never apply. */
export function checkStackedLimits(limits: readonly Limit[], at: (string | number)[]): ConfigProblem[] {
  const seen = new Map<number, number>();
  const problems: ConfigProblem[] = [];
  limits.forEach((limit, i) => {
    const previous = seen.get(limit.timePeriodInMilliseconds);
    if (previous !== undefined) {
      problems.push({
        path: [...at, i, 'timePeriodInMilliseconds'],
        message: `two limits share the window ${limit.timePeriodInMilliseconds} ms (entries ${previous} and ${i}); keep one per window`,
      });
    } else seen.set(limit.timePeriodInMilliseconds, i);
  });
  return problems;
}

export const rateLimiting: PolicyModule<'rate-limiting', RateLimitingConfig> = {
  type: 'rate-limiting',
  schema,
  summary:
    'Stacked fixed windows per key (an expression, or the whole API, client IP, header or client id), each started by the first request of its key; 429 when any window is full.',
  precedence: 'rate-limiting',
  provides: ['baseline-rate-limiting'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: ['rateLimits', 'keySelector.trustedProxies'],
  check: (config) => [
    ...checkStackedLimits(config.rateLimits, ['rateLimits']),
    ...(typeof config.keySelector === 'string' ? checkExpression(config.keySelector, ['keySelector'], 'string') : []),
  ],
  create,
};
