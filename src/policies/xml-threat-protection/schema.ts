import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of xml-threat-protection: the one source of schemas/policies/xml-threat-protection.json and of its type. */
export const schema = {
  title: 'xml-threat-protection',
  description: 'Limits on XML request bodies; -1 is unlimited. DTDs and entity declarations are always rejected.',
  type: 'object',
  additionalProperties: false,
  properties: {
    maxNodeDepth: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
    maxAttributeCountPerElement: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
    maxChildCount: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
    maxTextLength: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
    maxAttributeLength: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
    maxCommentLength: {
      type: 'integer',
      minimum: -1,
      default: -1,
    },
  },
} as const satisfies JSONSchema;

export type XmlThreatProtectionConfig = FromSchema<typeof schema>;
