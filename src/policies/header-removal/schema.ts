import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { regex } from '../shared/schema-parts.js';

const names = {
  type: 'array',
  default: [],
  items: {
    ...regex,
    minLength: 1,
    description:
      'A header name, or a regular expression matched against the whole name (Access-Control.*), case-insensitively.',
  },
} as const;

/** The config of header-removal: the one source of schemas/policies/header-removal.json and of its type. */
export const schema = {
  title: 'header-removal',
  type: 'object',
  additionalProperties: false,
  properties: {
    inboundHeaders: { ...names, description: 'Removed from the request sent upstream.' },
    outboundHeaders: { ...names, description: 'Removed from the response sent to the client.' },
  },
} as const satisfies JSONSchema;

export type HeaderRemovalConfig = FromSchema<typeof schema>;
