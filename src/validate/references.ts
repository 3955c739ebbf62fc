import { diagnostic, formatPath, type Diagnostic } from '../errors/diagnostic.js';
import { locate } from '../manifest/source.js';
import type { ApiManifest, Manifest, ManifestSet, PolicySpec } from '../manifest/types.js';
import { PerManifest } from './per-manifest.js';
import type { SourceDocument } from '../manifest/source.js';
import { checkStackedLimits } from '../policies/rate-limiting/index.js';

/** Names and cross-document references: duplicates, unknown environments, policies, APIs, versions, tiers. */
export function referenceDiagnostics(set: ManifestSet): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const group of [
    set.environments,
    set.apis,
    set.applications,
    set.certificates ?? [],
    set.alerts ?? [],
  ] as Manifest[][])
    out.push(...duplicateNames(group));

  const environments = new Set([...set.environments.map((e) => e.name), ...set.invalidNames.Environment]);
  for (const env of set.environments) out.push(...duplicatePolicyNames(env.spec.policies, env.source));

  // An Api's own findings depend on it and on which environments exist.
  const key = [...environments].sort().join('\0');
  for (const api of set.apis) out.push(...apiReferences.of(api, environments, key));

  const clientIds = new Map<string, string>();
  for (const app of set.applications) {
    const owner = clientIds.get(app.spec.clientId);
    if (owner === undefined) clientIds.set(app.spec.clientId, app.name);
    else
      out.push(
        diagnostic(
          'TG_DUPLICATE_NAME',
          `client id "${app.spec.clientId}" is already used by application "${owner}"; a client id identifies one application`,
          locate(app.source, ['spec', 'clientId']),
          'spec.clientId',
        ),
      );
  }

  const apisByName = new Map(set.apis.map((a) => [a.name, a]));
  for (const app of set.applications) {
    app.spec.contracts.forEach((contract, i) => {
      const at = ['spec', 'contracts', i];
      const api = apisByName.get(contract.api);
      if (!api) {
        if (!set.invalidNames.Api.has(contract.api)) {
          out.push(
            diagnostic(
              'TG_UNKNOWN_REFERENCE',
              `contract names Api "${contract.api}", which is not defined`,
              locate(app.source, [...at, 'api']),
              `spec.contracts[${i}].api`,
            ),
          );
        }
        return;
      }
      if (api.spec.version !== contract.version) {
        out.push(
          diagnostic(
            'TG_UNKNOWN_REFERENCE',
            `contract names version "${contract.version}" of Api "${contract.api}", which serves version "${api.spec.version}"`,
            locate(app.source, [...at, 'version']),
            `spec.contracts[${i}].version`,
          ),
        );
      }
      const tiers = new Set([
        ...api.spec.slaTiers.map((t) => t.name),
        ...Object.values(api.spec.overrides ?? {}).flatMap((o) => (o.slaTiers ?? []).map((t) => t.name)),
      ]);
      if (contract.tier !== undefined && !tiers.has(contract.tier)) {
        const known = [...tiers].join(', ') || 'none';
        out.push(
          diagnostic(
            'TG_UNKNOWN_REFERENCE',
            `contract names SLA tier "${contract.tier}", which Api "${contract.api}" does not define (its tiers: ${known})`,
            locate(app.source, [...at, 'tier']),
            `spec.contracts[${i}].tier`,
          ),
        );
      }
      contract.environments?.forEach((envName, j) => {
        if (!api.spec.environments.includes(envName)) {
          out.push(
            diagnostic(
              'TG_UNKNOWN_ENVIRONMENT',
              `contract is limited to environment "${envName}", where Api "${contract.api}" is not deployed`,
              locate(app.source, [...at, 'environments', j]),
              `spec.contracts[${i}].environments[${j}]`,
            ),
          );
        }
      });
    });
  }
  return out;
}

function unknownEnvironment(name: string, source: SourceDocument, path: (string | number)[], what: string): Diagnostic {
  return diagnostic(
    'TG_UNKNOWN_ENVIRONMENT',
    `${what} environment "${name}", which is not defined by any Environment manifest`,
    locate(source, path, typeof path.at(-1) === 'string'),
    formatPath(path),
  );
}

function duplicateNames(manifests: readonly Manifest[]): Diagnostic[] {
  const first = new Map<string, Manifest>();
  const out: Diagnostic[] = [];
  for (const m of manifests) {
    const earlier = first.get(m.name);
    if (!earlier) {
      first.set(m.name, m);
      continue;
    }
    const where = locate(earlier.source, ['metadata', 'name']);
    out.push(
      diagnostic(
        'TG_DUPLICATE_NAME',
        `${m.kind} "${m.name}" is defined twice; the first is at ${where.file}:${where.line}:${where.col}`,
        locate(m.source, ['metadata', 'name']),
        'metadata.name',
      ),
    );
  }
  return out;
}

function duplicatePolicyNames(policies: readonly PolicySpec[], source: SourceDocument): Diagnostic[] {
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  policies.forEach((p, i) => {
    const earlier = seen.get(p.name);
    if (earlier === undefined) seen.set(p.name, i);
    else
      out.push(
        diagnostic(
          'TG_DUPLICATE_NAME',
          `policy name "${p.name}" is used twice in this chain (entries ${earlier} and ${i}); names identify policies across edits`,
          locate(source, ['spec', 'policies', i, 'name']),
          `spec.policies[${i}].name`,
        ),
      );
  });
  return out;
}

/** Duplicate policy names, SLA tiers, and the environments and policies an Api's fields name. */
const apiReferences = new PerManifest<ApiManifest, ReadonlySet<string>>((api, environments) => {
  const out: Diagnostic[] = [];
  const { spec, source } = api;
  out.push(...duplicatePolicyNames(spec.policies, source));
  spec.slaTiers.forEach((tier, t) => {
    for (const problem of checkStackedLimits(tier.limits, ['spec', 'slaTiers', t, 'limits'])) {
      out.push(
        diagnostic(
          'TG_SLA_TIER',
          `SLA tier "${tier.name}": ${problem.message}`,
          locate(source, problem.path),
          formatPath(problem.path),
        ),
      );
    }
  });
  for (const [envName, override] of Object.entries(spec.overrides ?? {})) {
    override.slaTiers?.forEach((tier, t) => {
      for (const problem of checkStackedLimits(tier.limits, ['spec', 'overrides', envName, 'slaTiers', t, 'limits'])) {
        out.push(
          diagnostic(
            'TG_SLA_TIER',
            `SLA tier "${tier.name}" (override for ${envName}): ${problem.message}`,
            locate(source, problem.path),
            formatPath(problem.path),
          ),
        );
      }
    });
  }
  spec.environments.forEach((name, i) => {
    if (!environments.has(name))
      out.push(unknownEnvironment(name, source, ['spec', 'environments', i], `Api "${api.name}" is deployed to`));
  });
  for (const [envName, override] of Object.entries(spec.overrides ?? {})) {
    if (!environments.has(envName))
      out.push(unknownEnvironment(envName, source, ['spec', 'overrides', envName], 'overrides name'));
    else if (!spec.environments.includes(envName)) {
      out.push(
        diagnostic(
          'TG_UNKNOWN_ENVIRONMENT',
          `overrides for "${envName}", but Api "${api.name}" is not deployed there (spec.environments: ${spec.environments.join(', ')})`,
          locate(source, ['spec', 'overrides', envName], true),
          formatPath(['spec', 'overrides', envName]),
        ),
      );
    }
    for (const policyName of Object.keys(override.policies ?? {})) {
      if (!spec.policies.some((p) => p.name === policyName)) {
        const known = spec.policies.map((p) => p.name).join(', ') || 'none';
        out.push(
          diagnostic(
            'TG_UNKNOWN_POLICY',
            `override for policy "${policyName}", which Api "${api.name}" does not have (its policies: ${known})`,
            locate(source, ['spec', 'overrides', envName, 'policies', policyName], true),
            formatPath(['spec', 'overrides', envName, 'policies', policyName]),
          ),
        );
      }
    }
  }
  return out;
});
