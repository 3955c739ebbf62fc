import { expressionProblem, isExpression } from '../expressions/index.js';
import type { ConfigProblem } from '../sdk/index.js';

/**
 * The problem of one configured expression, positioned at its bad token, or
 * none. `literal: true` accepts plain text too (a header value, a log message):
 * only a value written #[...] is an expression then.
 */
export function checkExpression(
  text: string | undefined,
  path: (string | number)[],
  expected: 'string' | 'boolean',
  literal = false,
): ConfigProblem[] {
  if (text === undefined || (literal && !isExpression(text))) return [];
  const problem = expressionProblem(text, expected);
  if (problem === undefined) return [];
  return [
    { path, message: `${problem.message} (in ${JSON.stringify(text)})`, code: 'TG_EXPRESSION', offset: problem.offset },
  ];
}
