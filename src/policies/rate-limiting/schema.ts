import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { cidr, countingProperties, headerName, limit } from '../shared/schema-parts.js';

/** The config of rate-limiting: the one source of schemas/policies/rate-limiting.json and of its type. */
export const schema = {
  title: 'rate-limiting',
  type: 'object',
  additionalProperties: false,
  required: ['rateLimits'],
  properties: {
    rateLimits: {
      type: 'array',
      minItems: 1,
      items: limit,
      description:
        'Stacked fixed windows, each started by the first request of its key; every one must admit the request.',
    },
    keySelector: {
      default: { source: 'api' },
      description:
        "What a request is counted under: an expression (the reference's form, e.g. #[attributes.headers['client_id']]; a request whose key is missing counts in a bucket of its own), or a structured selector.",
      oneOf: [
        { type: 'string', pattern: '^#\\[' },
        {
          type: 'object',
          additionalProperties: false,
          required: ['source'],
          properties: {
            source: {
              type: 'string',
              enum: ['api', 'ip', 'header', 'client-id'],
              description:
                'api: one counter for the whole API; ip: per client IP; header: per value of a header; client-id: per client id (as the chain reads credentials).',
            },
            header: headerName,
            clientIpHeader: {
              ...headerName,
              description:
                'With source ip: read the client IP from this header (e.g. X-Forwarded-For), only when the connection comes from trustedProxies.',
            },
            trustedProxies: {
              type: 'array',
              items: cidr,
              description: 'Addresses of the proxies whose clientIpHeader is believed.',
            },
          },
          allOf: [
            { if: { properties: { source: { const: 'header' } } }, then: { required: ['header'] } },
            {
              if: { required: ['clientIpHeader'] },
              then: {
                required: ['trustedProxies'],
                properties: { source: { const: 'ip' }, trustedProxies: { minItems: 1 } },
              },
            },
          ],
        },
      ],
    },
    ...countingProperties,
  },
} as const satisfies JSONSchema;

export type RateLimitingConfig = FromSchema<typeof schema>;
