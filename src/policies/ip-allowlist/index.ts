import type { PolicyModule } from '../sdk/index.js';
import { checkIpSource } from '../shared/ip-filter-checks.js';
import { create } from './runtime.js';
import { schema, type IpFilterConfig } from './schema.js';

export type { IpFilterConfig };

export const ipAllowlist: PolicyModule<'ip-allowlist', IpFilterConfig> = {
  type: 'ip-allowlist',
  schema,
  summary: 'Admits only clients whose IP is in one of the listed ranges; 403 otherwise.',
  precedence: 'standard',
  provides: ['ip-filtered'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: ['ips', 'trustedProxies'],
  check: checkIpSource,
  create,
};
