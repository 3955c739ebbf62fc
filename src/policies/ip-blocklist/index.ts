import type { PolicyModule } from '../sdk/index.js';
import { checkIpSource } from '../shared/ip-filter-checks.js';
import { create } from './runtime.js';
import { schema, type IpBlocklistConfig } from './schema.js';

export type { IpBlocklistConfig };

export const ipBlocklist: PolicyModule<'ip-blocklist', IpBlocklistConfig> = {
  type: 'ip-blocklist',
  schema,
  summary: 'Rejects clients whose IP is in one of the listed ranges with 403.',
  precedence: 'standard',
  provides: ['ip-filtered'],
  requires: [],
  secretFields: [],
  orderInsensitiveArrays: ['ips', 'trustedProxies'],
  check: checkIpSource,
  create,
};
