import type { ConfigProblem, PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type CorsConfig } from './schema.js';

export type { CorsConfig };
export type OriginGroup = CorsConfig['originGroups'][number];

export const cors: PolicyModule<'cors', CorsConfig> = {
  type: 'cors',
  schema,
  summary:
    'Answers every OPTIONS request (preflights included) at the gateway and adds CORS headers for allowed origins.',
  precedence: 'cors',
  provides: ['cors-enabled'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: [
    'originGroups.*.origins',
    'originGroups.*.allowedMethods',
    'originGroups.*.headers',
    'originGroups.*.exposedHeaders',
  ],
  check(config) {
    const problems: ConfigProblem[] = [];
    if (config.publicResource && config.supportCredentials) {
      problems.push({
        path: ['supportCredentials'],
        message:
          'a public resource (any origin, "*") cannot support credentials: browsers refuse credentials with a wildcard origin; set publicResource: false and list the origins',
      });
    }
    if (!config.publicResource && config.originGroups.length === 0) {
      problems.push({
        path: ['originGroups'],
        message: 'publicResource is false, so at least one origin group is needed, otherwise no origin is allowed',
      });
    }
    config.originGroups.forEach((group, g) =>
      group.origins.forEach((origin, o) => {
        if (origin === '*' && config.supportCredentials) {
          problems.push({
            path: ['originGroups', g, 'origins', o],
            message: 'the wildcard origin "*" cannot be combined with supportCredentials',
          });
        }
      }),
    );
    return problems;
  },
  create,
};
