import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of custom: the one source of schemas/policies/custom.json and of its type. */
export const schema = {
  title: 'custom',
  type: 'object',
  additionalProperties: false,
  required: ['module'],
  properties: {
    module: {
      type: 'string',
      minLength: 1,
      description: 'Path of an ES module, relative to the manifest file, exporting create(config, ctx).',
    },
    schema: {
      type: 'string',
      minLength: 1,
      description: 'Path of a JSON Schema, relative to the manifest file, that the custom config is validated against.',
    },
    config: {
      type: 'object',
      default: {},
    },
  },
} as const satisfies JSONSchema;

export type CustomConfig = FromSchema<typeof schema>;
