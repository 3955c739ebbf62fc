import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { secret } from '../shared/schema-parts.js';

/** The config of basic-auth: the one source of schemas/policies/basic-auth.json and of its type. */
export const schema = {
  title: 'basic-auth',
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: {
    username: {
      type: 'string',
      minLength: 1,
      pattern: '^[^:]+$',
    },
    password: secret,
    realm: {
      type: 'string',
      default: 'tollgate',
      pattern: '^[^"\\\\]*$',
    },
  },
} as const satisfies JSONSchema;

export type BasicAuthConfig = FromSchema<typeof schema>;
