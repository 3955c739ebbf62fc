import type { PolicyType } from '../manifest/types.js';
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

/** Every policy type; adding one means adding its module and one line here. */
const MODULES: readonly PolicyModule<never>[] = [
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
];

export const POLICY_CATALOG: ReadonlyMap<PolicyType, PolicyModule> = new Map(
  MODULES.map((m) => [m.type, m as unknown as PolicyModule]),
);

export function policyModule(type: PolicyType): PolicyModule {
  const module = POLICY_CATALOG.get(type);
  if (!module) throw new Error(`unknown policy type ${type}`);
  return module;
}
