import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of rate-limiting-sla: the one source of schemas/policies/rate-limiting-sla.json and of its type. */
export const schema = {
  title: 'rate-limiting-sla',
  type: 'object',
  additionalProperties: false,
  properties: {
    credentialsOrigin: {
      type: 'string',
      enum: ['headers', 'query', 'basic'],
      default: 'headers',
      description: 'headers or query parameters named clientIdName/clientSecretName, or an Authorization: Basic header.',
    },
    clientIdName: {
      type: 'string',
      minLength: 1,
      default: 'client_id',
    },
    clientSecretName: {
      type: 'string',
      minLength: 1,
      default: 'client_secret',
    },
    secretRequired: {
      type: 'boolean',
      default: false,
    },
    exposeHeaders: {
      type: 'boolean',
      default: false,
    },
    clusterizable: {
      type: 'boolean',
      default: true,
    },
    failMode: {
      type: 'string',
      enum: ['open', 'closed'],
      default: 'open',
    },
  },
} as const satisfies JSONSchema;

export type RateLimitingSlaConfig = FromSchema<typeof schema>;
