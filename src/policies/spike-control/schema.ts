import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { countingProperties } from '../shared/schema-parts.js';

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
    ...countingProperties,
  },
} as const satisfies JSONSchema;

export type SpikeControlConfig = FromSchema<typeof schema>;
