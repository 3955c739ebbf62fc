import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface OriginGroup {
  name?: string;
  origins: string[];
  accessControlMaxAge: number;
  allowedMethods: string[];
  headers: string[];
  exposedHeaders: string[];
}

export interface CorsConfig {
  publicResource: boolean;
  supportCredentials: boolean;
  originGroups: OriginGroup[];
}

export const cors: PolicyModule<CorsConfig> = {
  type: 'cors',
  summary: 'Answers CORS preflights at the gateway and adds CORS headers for allowed origins.',
  precedence: 'cors',
  provides: ['cors-enabled'],
  requires: [],
  secretFields: [],
  unordered: ['originGroups.*.origins', 'originGroups.*.allowedMethods', 'originGroups.*.headers', 'originGroups.*.exposedHeaders'],
  check(config) {
    const problems = [];
    if (config.publicResource && config.supportCredentials) {
      problems.push({ path: ['supportCredentials'], message: 'a public resource (any origin, "*") cannot support credentials: browsers refuse credentials with a wildcard origin; set publicResource: false and list the origins' });
    }
    if (!config.publicResource && config.originGroups.length === 0) {
      problems.push({ path: ['originGroups'], message: 'publicResource is false, so at least one origin group is needed, otherwise no origin is allowed' });
    }
    config.originGroups.forEach((group, g) =>
      group.origins.forEach((origin, o) => {
        if (origin === '*' && config.supportCredentials) {
          problems.push({ path: ['originGroups', g, 'origins', o], message: 'the wildcard origin "*" cannot be combined with supportCredentials' });
        }
      }),
    );
    return problems;
  },
  create,
};
