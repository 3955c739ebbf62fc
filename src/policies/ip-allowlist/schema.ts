import type { FromSchema } from 'json-schema-to-ts';
import { ipFilterSchema } from '../shared/ip-filter-schema.js';

/** The config of ip-allowlist: the one source of schemas/policies/ip-allowlist.json and of its type. */
export const schema = ipFilterSchema('ip-allowlist');

export type IpFilterConfig = FromSchema<typeof schema>;
