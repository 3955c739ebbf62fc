import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface IpFilterConfig {
  ips: string[];
  clientIpHeader?: string;
  trustedProxies?: string[];
}

export const ipAllowlist: PolicyModule<IpFilterConfig> = {
  type: 'ip-allowlist',
  summary: 'Admits only clients whose IP is in one of the listed ranges; 403 otherwise.',
  precedence: 'standard',
  provides: ['ip-filtered'],
  requires: [],
  secretFields: [],
  unordered: ['ips', 'trustedProxies'],
  create,
};
