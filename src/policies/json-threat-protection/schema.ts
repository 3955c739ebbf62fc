import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of json-threat-protection: the one source of schemas/policies/json-threat-protection.json and of its type. */
export const schema = {
  title: 'json-threat-protection',
  description: 'Limits on JSON request bodies; an unset limit is unlimited.',
  type: 'object',
  additionalProperties: false,
  properties: {
    maxContainerDepth: {
      type: 'integer',
      minimum: 1,
    },
    maxObjectEntryCount: {
      type: 'integer',
      minimum: 1,
    },
    maxObjectEntryNameLength: {
      type: 'integer',
      minimum: 1,
    },
    maxArrayElementCount: {
      type: 'integer',
      minimum: 1,
    },
    maxStringValueLength: {
      type: 'integer',
      minimum: 1,
    },
  },
} as const satisfies JSONSchema;

export type JsonThreatProtectionConfig = FromSchema<typeof schema>;
