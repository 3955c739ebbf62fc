import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { credentialsProperties } from '../shared/credentials-schema.js';
import { countingProperties } from '../shared/schema-parts.js';

/** The config of rate-limiting-sla: the one source of schemas/policies/rate-limiting-sla.json and of its type. */
export const schema = {
  title: 'rate-limiting-sla',
  type: 'object',
  additionalProperties: false,
  properties: {
    ...credentialsProperties,
    ...countingProperties,
  },
} as const satisfies JSONSchema;

export type RateLimitingSlaConfig = FromSchema<typeof schema>;
