import type { FromSchema, JSONSchema } from 'json-schema-to-ts';

/** The config of client-id-enforcement: the one source of schemas/policies/client-id-enforcement.json and of its type. */
export const schema = {
  title: 'client-id-enforcement',
  type: 'object',
  additionalProperties: false,
  properties: {
    credentialsOrigin: {
      type: 'string',
      enum: ['headers', 'query', 'basic'],
      default: 'headers',
      description: 'headers or query parameters named clientIdName/clientSecretName, or an Authorization: Basic header.',
    },
    clientIdName: {
      type: 'string',
      minLength: 1,
      default: 'client_id',
    },
    clientSecretName: {
      type: 'string',
      minLength: 1,
      default: 'client_secret',
    },
    secretRequired: {
      type: 'boolean',
      default: true,
    },
  },
} as const satisfies JSONSchema;

export type ClientIdEnforcementConfig = FromSchema<typeof schema>;
