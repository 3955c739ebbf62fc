import type { JSONSchema } from 'json-schema-to-ts';
import { cidr, headerName } from './schema-parts.js';

/** The config fields the IP filters share (ip-allowlist, ip-blocklist). */
export const ipFilterProperties = {
  ips: {
    type: 'array',
    minItems: 1,
    items: { type: 'string', format: 'ip-range' },
    description: 'Single addresses (IPv4 or IPv6), CIDR ranges, or leading IPv4 octets (192.168 = 192.168.0.0/16).',
  },
  ipExpression: {
    type: 'string',
    pattern: '^#\\[',
    description:
      "Where the client address is read, e.g. #[attributes.headers['x-forwarded-for']] (the first address of the value counts). Without trustedProxies it is believed from every peer; with them only from those peers, and the right-most address that is not one of them counts. Default: the TCP peer.",
  },
  clientIpHeader: {
    ...headerName,
    description:
      'Read the client IP from this header (e.g. X-Forwarded-For), only when the connection comes from trustedProxies.',
  },
  trustedProxies: {
    type: 'array',
    items: cidr,
    description: 'The proxies whose client-address header (clientIpHeader or the one ipExpression reads) is believed.',
  },
} as const;

/** clientIpHeader needs trustedProxies. */
export const ipFilterRules = {
  if: { required: ['clientIpHeader'] },
  then: { required: ['trustedProxies'], properties: { trustedProxies: { minItems: 1 } } },
} as const;

/** The whole config schema of an IP filter: the same for ip-allowlist and ip-blocklist, but for its title. */
export function ipFilterSchema<Type extends string>(type: Type) {
  return {
    title: type,
    type: 'object',
    additionalProperties: false,
    required: ['ips'],
    properties: ipFilterProperties,
    ...ipFilterRules,
  } as const satisfies JSONSchema;
}
