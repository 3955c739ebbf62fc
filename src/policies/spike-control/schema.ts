import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of spike-control: the one source of schemas/policies/spike-control.json and of its type. */
export const schema = {
  title: 'spike-control',
  type: 'object',
  additionalProperties: false,
  properties: {
    maximumRequests: {
      type: 'integer',
      minimum: 1,
      default: 1,
    },
    timePeriodInMilliseconds: {
      type: 'integer',
      minimum: 1,
      default: 1000,
    },
    delayTimeInMillis: {
      type: 'integer',
      minimum: 0,
      default: 1000,
    },
    delayAttempts: {
      type: 'integer',
      minimum: 0,
      default: 1,
    },
    queuingLimit: {
      type: 'integer',
      minimum: 0,
      default: 0,
    },
    exposeHeaders: {
      type: 'boolean',
      default: false,
    },
    clusterizable: {
      type: 'boolean',
      default: true,
      description: "Count in the environment's shared storage when it has one.",
    },
    failMode: {
      type: 'string',
      enum: ['open', 'closed'],
      default: 'open',
      description: 'When shared storage is unreachable: open counts locally, closed answers 503.',
    },
  },
} as const satisfies JSONSchema;

export type SpikeControlConfig = FromSchema<typeof schema>;
