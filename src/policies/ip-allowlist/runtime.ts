import type { PolicyFactory } from '../sdk/index.js';
import { compileAddressMatcher } from '../shared/cidr.js';
import { compileClientIpResolver } from '../shared/client-ip.js';
import { jsonError } from '../shared/replies.js';
import type { IpFilterConfig } from './index.js';

/** Admits only clients inside the listed ranges; 403 otherwise, also when the client IP cannot be determined. */
export const create: PolicyFactory<IpFilterConfig> = (config, ctx) => {
  const isListed = compileAddressMatcher(config.ips);
  const clientIp = compileClientIpResolver(config, ctx.basePath);
  return {
    request(exchange) {
      const ip = clientIp(exchange);
      if (ip !== undefined && isListed(ip)) return undefined;
      return jsonError(403, 'client address not allowed');
    },
  };
};
