import { formatPath, type PathSegment, type SourcePosition } from '../../errors/diagnostic.js';
import { locate, type SourceDocument } from '../../manifest/source.js';
import type { ApiManifest, EnvironmentManifest, ManifestSet } from '../../manifest/types.js';
import type { PolicyInstance } from '../../model/types.js';

/** A position in a head file, with the JSON path shown next to it. */
export interface Where {
  position: SourcePosition;
  path: string;
}

/** What of a policy a finding is about: a field of its config, or its enabled flag or rules. */
export interface PolicyField {
  config?: PathSegment[];
  field?: 'enabled' | 'rules' | 'type';
}

/**
 * Finds where the head manifests say what a finding is about. A value an
 * environment's override sets is pointed at in the override; everything else
 * in the policy list it is declared in.
 */
export class HeadLocator {
  private readonly apis: Map<string, ApiManifest>;
  private readonly environments: Map<string, EnvironmentManifest>;

  constructor(head: ManifestSet) {
    this.apis = new Map(head.apis.map((a) => [a.name, a]));
    this.environments = new Map(head.environments.map((e) => [e.name, e]));
  }

  apiManifest(name: string): ApiManifest | undefined {
    return this.apis.get(name);
  }

  /** A policy of a chain that is still in the head. */
  policy(environment: string, api: string, policy: PolicyInstance, at: PolicyField = {}): Where | undefined {
    const tail: PathSegment[] = at.field ? [at.field] : at.config ? ['config', ...at.config] : [];
    if (policy.origin === 'environment') {
      const env = this.environments.get(environment);
      if (!env) return undefined;
      const index = env.spec.policies.findIndex((p) => p.name === policy.name);
      return where(env.source, index === -1 ? ['spec', 'policies'] : ['spec', 'policies', index, ...tail]);
    }
    const manifest = this.apis.get(api);
    if (!manifest) return undefined;
    const override = manifest.spec.overrides?.[environment]?.policies?.[policy.name];
    const overrideAt: PathSegment[] = ['spec', 'overrides', environment, 'policies', policy.name];
    if (at.field === 'enabled' && override?.enabled !== undefined)
      return where(manifest.source, [...overrideAt, 'enabled']);
    if (at.config && override?.config && hasPath(override.config, at.config))
      return where(manifest.source, [...overrideAt, 'config', ...at.config]);
    const index = manifest.spec.policies.findIndex((p) => p.name === policy.name);
    return where(manifest.source, index === -1 ? ['spec', 'policies'] : ['spec', 'policies', index, ...tail]);
  }

  /** The list a policy was removed from (it is not in the head any more). */
  policyList(environment: string, api: string, origin: PolicyInstance['origin']): Where | undefined {
    const source = origin === 'environment' ? this.environments.get(environment)?.source : this.apis.get(api)?.source;
    return source && where(source, ['spec', 'policies']);
  }

  /** A limit of an SLA tier, in the override that replaces the tier or in the Api's own tiers. */
  slaTier(environment: string, api: string, tier: string, limit?: number): Where | undefined {
    const manifest = this.apis.get(api);
    if (!manifest) return undefined;
    const tail: PathSegment[] = limit === undefined ? [] : ['limits', limit];
    const overridden = manifest.spec.overrides?.[environment]?.slaTiers?.findIndex((t) => t.name === tier) ?? -1;
    if (overridden !== -1)
      return where(manifest.source, ['spec', 'overrides', environment, 'slaTiers', overridden, ...tail]);
    const index = manifest.spec.slaTiers.findIndex((t) => t.name === tier);
    return where(manifest.source, index === -1 ? ['spec', 'slaTiers'] : ['spec', 'slaTiers', index, ...tail]);
  }

  api(name: string, path: PathSegment[]): Where | undefined {
    const api = this.apis.get(name);
    return api && where(api.source, path);
  }

  environment(name: string, path: PathSegment[]): Where | undefined {
    const env = this.environments.get(name);
    return env && where(env.source, path);
  }
}

export function where(source: SourceDocument, path: PathSegment[]): Where {
  return { position: locate(source, path), path: formatPath(path) };
}

function hasPath(value: unknown, path: readonly PathSegment[]): boolean {
  let node = value;
  for (const seg of path) {
    if (typeof node !== 'object' || node === null || !(String(seg) in node)) return false;
    node = (node as Record<string, unknown>)[String(seg)];
  }
  return true;
}
