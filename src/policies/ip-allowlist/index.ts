import { ipFilterModule } from '../shared/ip-filter-module.js';
import { create } from './runtime.js';
import { schema, type IpFilterConfig } from './schema.js';

export type { IpFilterConfig };

export const ipAllowlist = ipFilterModule(
  'ip-allowlist',
  schema,
  'Admits only clients whose IP is in one of the listed ranges; 403 otherwise.',
  create,
);
