import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { credentialsProperties } from '../shared/credentials-schema.js';

/** The config of rate-limiting-sla: the one source of schemas/policies/rate-limiting-sla.json and of its type. */
export const schema = {
  title: 'rate-limiting-sla',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...credentialsProperties,
    exposeHeaders: { type: 'boolean', default: false },
    clusterizable: { type: 'boolean', default: true, description: "Count in the environment's shared storage when it has one." },
    failMode: { type: 'string', enum: ['open', 'closed'], default: 'open', description: 'When shared storage is unreachable: open counts locally, closed answers 503.' },
  },
} as const satisfies JSONSchema;

export type RateLimitingSlaConfig = FromSchema<typeof schema>;
