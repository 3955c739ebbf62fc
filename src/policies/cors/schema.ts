import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { headerName, method } from '../shared/schema-parts.js';

/** The reference's default: every method, OPTIONS, TRACE and CONNECT included. */
export const ALL_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'] as const;

/** The config of cors: the one source of schemas/policies/cors.json and of its type. */
export const schema = {
  title: 'cors',
  type: 'object',
  additionalProperties: false,
  properties: {
    publicResource: {
      type: 'boolean',
      default: true,
      description:
        'Any origin may call the API (Access-Control-Allow-Origin: *). Cannot be combined with supportCredentials.',
    },
    supportCredentials: { type: 'boolean', default: false },
    originGroups: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['origins'],
        properties: {
          name: { type: 'string' },
          origins: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$' } },
          accessControlMaxAge: { type: 'integer', minimum: 0, default: 30 },
          allowedMethods: {
            type: 'array',
            description: "Method names, or the reference's {methodName, isAllowed} entries.",
            items: {
              oneOf: [
                method,
                {
                  type: 'object',
                  additionalProperties: false,
                  required: ['methodName', 'isAllowed'],
                  properties: { methodName: method, isAllowed: { type: 'boolean' } },
                },
              ],
            },
            default: [...ALL_METHODS],
          },
          headers: { type: 'array', items: { type: 'string' }, default: [] },
          exposedHeaders: { type: 'array', items: headerName, default: [] },
        },
      },
    },
  },
} as const satisfies JSONSchema;

export type CorsConfig = FromSchema<typeof schema>;
