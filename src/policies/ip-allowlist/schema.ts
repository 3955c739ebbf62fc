import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import { ipFilterProperties, ipFilterRules } from '../shared/ip-filter-schema.js';

/** The config of ip-allowlist: the one source of schemas/policies/ip-allowlist.json and of its type. */
export const schema = {
  title: 'ip-allowlist',
  type: 'object',
  additionalProperties: false,
  required: ['ips'],
  properties: ipFilterProperties,
  ...ipFilterRules,
} as const satisfies JSONSchema;

export type IpFilterConfig = FromSchema<typeof schema>;
