import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { headerName } from '../shared/schema-parts.js';

const headers = {
  type: 'array',
  default: [],
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['key', 'value'],
    properties: {
      key: headerName,
      value: {
        type: 'string',
        pattern: '^[^\\r\\n]*$',
        description: 'Literal text, or an expression #[...] evaluated per request (a null result adds nothing).',
      },
    },
  },
} as const;

/** The config of header-injection: the one source of schemas/policies/header-injection.json and of its type. */
export const schema = {
  title: 'header-injection',
  type: 'object',
  additionalProperties: false,
  properties: {
    inboundHeaders: {
      ...headers,
      description: 'Added to the request sent upstream, beside any header of the same name.',
    },
    outboundHeaders: {
      ...headers,
      description: 'Added to the response sent to the client, beside any header of the same name.',
    },
  },
} as const satisfies JSONSchema;

export type HeaderInjectionConfig = FromSchema<typeof schema>;
