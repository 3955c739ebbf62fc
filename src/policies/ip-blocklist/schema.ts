import type { FromSchema } from 'json-schema-to-ts';
import { ipFilterSchema } from '../shared/ip-filter-schema.js';

/** The config of ip-blocklist: the one source of schemas/policies/ip-blocklist.json and of its type. */
export const schema = ipFilterSchema('ip-blocklist');

export type IpBlocklistConfig = FromSchema<typeof schema>;
