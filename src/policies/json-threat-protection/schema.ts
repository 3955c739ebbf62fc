import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** One limit: -1 (the reference's default) is unlimited. */
const limit = { type: 'integer', minimum: -1, default: -1 } as const;

/** The config of json-threat-protection: the one source of schemas/policies/json-threat-protection.json and of its type. */
export const schema = {
  title: 'json-threat-protection',
  description: 'Limits on JSON request bodies; -1 (the default) is unlimited.',
  type: 'object',
  additionalProperties: false,
  properties: {
    maxContainerDepth: limit,
    maxObjectEntryCount: limit,
    maxObjectEntryNameLength: limit,
    maxArrayElementCount: limit,
    maxStringValueLength: limit,
  },
} as const satisfies JSONSchema;

export type JsonThreatProtectionConfig = FromSchema<typeof schema>;
