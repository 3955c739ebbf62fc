import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ipFilterProperties, ipFilterRules } from '../shared/ip-filter-schema.js';

/** The config of ip-blocklist: the one source of schemas/policies/ip-blocklist.json and of its type. */
export const schema = {
  title: 'ip-blocklist',
  type: 'object',
  additionalProperties: false,
  required: ['ips'],
  properties: ipFilterProperties,
  ...ipFilterRules,
} as const satisfies JSONSchema;

export type IpBlocklistConfig = FromSchema<typeof schema>;
