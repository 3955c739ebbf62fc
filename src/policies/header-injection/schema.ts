import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { headerName } from '../shared/schema-parts.js';

/** The config of header-injection: the one source of schemas/policies/header-injection.json and of its type. */
export const schema = {
  title: 'header-injection',
  type: 'object',
  additionalProperties: false,
  properties: {
    inboundHeaders: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'value'],
        properties: {
          key: headerName,
          value: {
            type: 'string',
            pattern: '^[^\\r\\n]*$',
          },
        },
      },
      description: 'Added to the request sent upstream.',
      default: [],
    },
    outboundHeaders: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'value'],
        properties: {
          key: headerName,
          value: {
            type: 'string',
            pattern: '^[^\\r\\n]*$',
          },
        },
      },
      description: 'Added to the response sent to the client.',
      default: [],
    },
  },
} as const satisfies JSONSchema;

export type HeaderInjectionConfig = FromSchema<typeof schema>;
