import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of message-logging: the one source of schemas/policies/message-logging.json and of its type. */
export const schema = {
  title: 'message-logging',
  type: 'object',
  additionalProperties: false,
  properties: {
    message: {
      type: 'string',
      default: '{{method}} {{path}} -> {{status}}',
      description: 'Template with {{method}}, {{path}}, {{status}}, {{ip}}, {{api}}, {{header.NAME}}.',
    },
    conditional: {
      type: 'boolean',
      default: true,
      description: 'Log only when rules (if any) match; false logs every request.',
    },
    category: {
      type: 'string',
      default: 'tollgate.message',
    },
    level: {
      type: 'string',
      enum: ['DEBUG', 'INFO', 'WARN', 'ERROR'],
      default: 'INFO',
    },
    logPoint: {
      type: 'string',
      enum: ['before', 'after', 'both'],
      default: 'after',
      description: 'before the upstream call, after it, or both.',
    },
  },
} as const satisfies JSONSchema;

export type MessageLoggingConfig = FromSchema<typeof schema>;
