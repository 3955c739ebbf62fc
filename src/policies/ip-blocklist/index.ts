import { ipFilterModule } from '../shared/ip-filter-module.js';
import { create } from './runtime.js';
import { schema, type IpBlocklistConfig } from './schema.js';

export type { IpBlocklistConfig };

export const ipBlocklist = ipFilterModule(
  'ip-blocklist',
  schema,
  'Rejects clients whose IP is in one of the listed ranges with 403.',
  create,
);
