import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { headerName } from '../shared/schema-parts.js';

/** The config of header-removal: the one source of schemas/policies/header-removal.json and of its type. */
export const schema = {
  title: 'header-removal',
  type: 'object',
  additionalProperties: false,
  properties: {
    inboundHeaders: {
      type: 'array',
      default: [],
      items: headerName,
    },
    outboundHeaders: {
      type: 'array',
      default: [],
      items: headerName,
    },
  },
} as const satisfies JSONSchema;

export type HeaderRemovalConfig = FromSchema<typeof schema>;
