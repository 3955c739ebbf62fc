import { durationMs } from '../manifest/formats.js';
import { policyConfigValidator } from '../manifest/schemas.js';
import type { ApiManifest, PolicySpec, SlaTier, UpstreamTlsSpec } from '../manifest/types.js';
import { deepMerge } from './merge.js';

/** An Api as deployed to one environment: its overrides for that environment applied. */
export interface EffectiveApi {
  manifest: ApiManifest;
  environment: string;
  upstream: string;
  timeoutMs: number;
  upstreamTls: UpstreamTlsSpec | undefined;
  policies: PolicySpec[];
  slaTiers: SlaTier[];
}

export function effectiveApi(api: ApiManifest, environment: string): EffectiveApi {
  const override = api.spec.overrides?.[environment];
  const policies = api.spec.policies.map((policy) => {
    const change = override?.policies?.[policy.name];
    if (!change) return policy;
    let config = policy.config;
    if (change.config) {
      config = deepMerge(policy.config, change.config);
      // Items an override brings in (arrays are replaced) get their schema defaults like the base config had.
      policyConfigValidator(policy.type)(config);
    }
    return { ...policy, enabled: change.enabled ?? policy.enabled, config };
  });
  const replaced = new Map((override?.slaTiers ?? []).map((t) => [t.name, t]));
  const slaTiers = [
    ...api.spec.slaTiers.map((t) => replaced.get(t.name) ?? t),
    ...(override?.slaTiers ?? []).filter((t) => !api.spec.slaTiers.some((b) => b.name === t.name)),
  ];
  return {
    manifest: api,
    environment,
    upstream: override?.upstream ?? api.spec.upstream,
    timeoutMs: durationMs(override?.timeout ?? api.spec.timeout),
    // Replaced as a whole: TLS settings of one upstream do not mix with another's.
    // An override that moves the upstream to plain http:// leaves the Api's upstreamTls behind.
    upstreamTls:
      override?.upstreamTls ?? (override?.upstream?.startsWith('http://') ? undefined : api.spec.upstreamTls),
    policies,
    slaTiers,
  };
}
