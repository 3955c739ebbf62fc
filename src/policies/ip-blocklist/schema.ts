import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { cidr, headerName } from '../shared/schema-parts.js';

/** The config of ip-blocklist: the one source of schemas/policies/ip-blocklist.json and of its type. */
export const schema = {
  title: 'ip-blocklist',
  type: 'object',
  additionalProperties: false,
  required: ['ips'],
  properties: {
    ips: {
      type: 'array',
      minItems: 1,
      items: cidr,
      description: 'IPv4 or IPv6 addresses or CIDR ranges.',
    },
    clientIpHeader: { ...headerName, description: 'Read the client IP from this header (e.g. X-Forwarded-For), only when the connection comes from trustedProxies.' },
    trustedProxies: {
      type: 'array',
      items: cidr,
    },
  },
  if: {
    required: ['clientIpHeader'],
  },
  then: {
    required: ['trustedProxies'],
    properties: {
      trustedProxies: {
        minItems: 1,
      },
    },
  },
} as const satisfies JSONSchema;

export type IpBlocklistConfig = FromSchema<typeof schema>;
