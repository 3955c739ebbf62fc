import type { PolicyFactory } from '../sdk/index.js';
import { compileAddressMatcher } from '../shared/cidr.js';
import { compileClientIpResolver } from '../shared/client-ip.js';
import { jsonError } from '../shared/replies.js';
import type { IpBlocklistConfig as IpFilterConfig } from './schema.js';

/** Rejects clients inside the listed ranges with 403. */
export const create: PolicyFactory<IpFilterConfig> = (config, ctx) => {
  const isListed = compileAddressMatcher(config.ips);
  const clientIp = compileClientIpResolver(config, ctx.basePath);
  return {
    request(exchange) {
      // An unparseable forwarded address falls back to the peer: only a listed address is rejected.
      const ip = clientIp(exchange) ?? exchange.remoteAddress;
      return isListed(ip) ? jsonError(403, 'client address blocked') : undefined;
    },
  };
};
