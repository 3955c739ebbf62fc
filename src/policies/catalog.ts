import type { PolicyModule } from './sdk/index.js';
import { basicAuth } from './basic-auth/index.js';
import { clientIdEnforcement } from './client-id-enforcement/index.js';
import { cors } from './cors/index.js';
import { custom } from './custom/index.js';
import { headerInjection } from './header-injection/index.js';
import { headerRemoval } from './header-removal/index.js';
import { ipAllowlist } from './ip-allowlist/index.js';
import { ipBlocklist } from './ip-blocklist/index.js';
import { jsonThreatProtection } from './json-threat-protection/index.js';
import { messageLogging } from './message-logging/index.js';
import { rateLimitingSla } from './rate-limiting-sla/index.js';
import { rateLimiting } from './rate-limiting/index.js';
import { spikeControl } from './spike-control/index.js';
import { xmlThreatProtection } from './xml-threat-protection/index.js';

/**
 * Every policy type, in the order the schemas list them. Adding one means adding
 * its folder and one line here: the PolicyType union, schemas/policy.json and
 * schemas/policies/<type>.json follow (`npm run schemas`).
 */
const MODULES = [
  cors,
  spikeControl,
  rateLimiting,
  rateLimitingSla,
  clientIdEnforcement,
  basicAuth,
  ipAllowlist,
  ipBlocklist,
  headerInjection,
  headerRemoval,
  jsonThreatProtection,
  xmlThreatProtection,
  messageLogging,
  custom,
] as const;

/** The name of every policy type, from the catalog. */
export type PolicyType = (typeof MODULES)[number]['type'];

export const POLICY_CATALOG: ReadonlyMap<PolicyType, PolicyModule<PolicyType>> = new Map(
  MODULES.map((m) => [m.type, m as unknown as PolicyModule<PolicyType>]),
);

/**
 * The same modules by type, for policyModule: a plan or a validation asks for
 * hundreds of thousands of them, with type strings sliced from YAML or JSON
 * texts; V8 looks those up in an object in a third of a Map's time.
 */
const BY_TYPE: Readonly<Record<string, PolicyModule<PolicyType> | undefined>> = Object.assign(
  Object.create(null) as Record<string, PolicyModule<PolicyType>>,
  Object.fromEntries(POLICY_CATALOG),
);

export function policyModule(type: PolicyType): PolicyModule<PolicyType> {
  const module = BY_TYPE[type];
  if (!module) throw new Error(`unknown policy type ${type}`);
  return module;
}
