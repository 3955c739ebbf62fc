import type { ConfigProblem, PolicyModule } from '../sdk/index.js';
import { checkExpression } from '../shared/expression-checks.js';
import { create } from './runtime.js';
import { schema, type HeaderInjectionConfig } from './schema.js';

export type { HeaderInjectionConfig };

export const headerInjection: PolicyModule<'header-injection', HeaderInjectionConfig> = {
  type: 'header-injection',
  schema,
  summary:
    'Adds headers to the request sent upstream (inbound) and to the response sent back (outbound), beside existing ones; values may be expressions.',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [],
  check(config) {
    const problems: ConfigProblem[] = [];
    if (config.inboundHeaders.length === 0 && config.outboundHeaders.length === 0) {
      problems.push({
        path: [],
        message:
          'inboundHeaders and outboundHeaders are both empty: the policy would add nothing (the reference refuses such a config)',
      });
    }
    for (const list of ['inboundHeaders', 'outboundHeaders'] as const) {
      config[list].forEach((entry, i) =>
        problems.push(...checkExpression(entry.value, [list, i, 'value'], 'string', true)),
      );
    }
    return problems;
  },
  create,
};
