import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { credentialsProperties } from '../shared/credentials-schema.js';

/** The config of client-id-enforcement: the one source of schemas/policies/client-id-enforcement.json and of its type. */
export const schema = {
  title: 'client-id-enforcement',
  type: 'object',
  additionalProperties: false,
  properties: credentialsProperties,
} as const satisfies JSONSchema;

export type ClientIdEnforcementConfig = FromSchema<typeof schema>;
