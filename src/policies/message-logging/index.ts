import type { ConfigProblem, PolicyModule } from '../sdk/index.js';
import { checkExpression } from '../shared/expression-checks.js';
import { create } from './runtime.js';
import { schema, type MessageLoggingConfig } from './schema.js';

export type { MessageLoggingConfig };

export const messageLogging: PolicyModule<'message-logging', MessageLoggingConfig> = {
  type: 'message-logging',
  schema,
  summary:
    'Writes a structured log record per logging item, before and/or after the upstream call, from an expression, with credentials redacted.',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  check(config) {
    const problems: ConfigProblem[] = [];
    config.loggingConfiguration.forEach(({ itemData }, i) => {
      problems.push(
        ...checkExpression(itemData.message, ['loggingConfiguration', i, 'itemData', 'message'], 'string', true),
      );
      problems.push(
        ...checkExpression(itemData.conditional, ['loggingConfiguration', i, 'itemData', 'conditional'], 'boolean'),
      );
    });
    return problems;
  },
  create,
};
