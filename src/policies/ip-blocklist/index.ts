import type { PolicyModule } from '../sdk/index.js';
import type { IpFilterConfig } from '../ip-allowlist/index.js';
import { create } from './runtime.js';

export type { IpFilterConfig };

export const ipBlocklist: PolicyModule<IpFilterConfig> = {
  type: 'ip-blocklist',
  summary: 'Rejects clients whose IP is in one of the listed ranges with 403.',
  precedence: 'standard',
  provides: ['ip-filtered'],
  requires: [],
  secretFields: [],
  unordered: ['ips', 'trustedProxies'],
  create,
};
