import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of message-logging (the reference's shape): the one source of schemas/policies/message-logging.json and of its type. */
export const schema = {
  title: 'message-logging',
  type: 'object',
  additionalProperties: false,
  required: ['loggingConfiguration'],
  properties: {
    loggingConfiguration: {
      type: 'array',
      minItems: 1,
      description: 'Logging items; each writes one record per request at the points it names.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['itemData'],
        properties: {
          itemName: { type: 'string' },
          itemData: {
            type: 'object',
            additionalProperties: false,
            required: ['message', 'level'],
            properties: {
              message: {
                type: 'string',
                description:
                  "Literal text, or an expression #[...] such as #[attributes.method ++ ' ' ++ attributes.requestPath].",
              },
              conditional: {
                type: 'string',
                pattern: '^#\\[',
                description: 'An expression giving true or false: the item logs only when it is true.',
              },
              category: { type: 'string', description: 'Written in the record as its category.' },
              level: { type: 'string', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] },
              firstSection: { type: 'boolean', default: false, description: 'Log before the upstream call.' },
              secondSection: {
                type: 'boolean',
                default: false,
                description: 'Log after the upstream call (or the answer of a policy).',
              },
            },
          },
        },
      },
    },
  },
} as const satisfies JSONSchema;

export type MessageLoggingConfig = FromSchema<typeof schema>;
