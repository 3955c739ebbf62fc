import type { PolicyFactory, PolicyModule } from '../sdk/index.js';
import { checkIpSource } from './ip-filter-checks.js';

/**
 * The module of an IP filter (ip-allowlist, ip-blocklist): both read the client
 * address the same way, from the same fields, and differ in what a listed
 * address means (their runtime).
 */
export function ipFilterModule<Type extends string, Config extends Parameters<typeof checkIpSource>[0]>(
  type: Type,
  schema: Readonly<Record<string, unknown>>,
  summary: string,
  create: PolicyFactory<Config>,
): PolicyModule<Type, Config> {
  return {
    type,
    schema,
    summary,
    precedence: 'standard',
    provides: ['ip-filtered'],
    requires: [],
    secretFields: [],
    orderInsensitiveArrays: ['ips', 'trustedProxies'],
    check: checkIpSource,
    create,
  };
}
