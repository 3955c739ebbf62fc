import path from 'node:path';
import { diagnostic, formatPath, type Diagnostic, type PathSegment } from '../errors/diagnostic.js';
import { schemaDiagnostics } from '../manifest/schema-errors.js';
import { locate, locateInString, type SourceDocument } from '../manifest/source.js';
import type {
  ApiManifest,
  ApplicationManifest,
  Contract,
  EnvironmentManifest,
  ManifestSet,
  PolicySpec,
  PrecedenceProfile,
} from '../manifest/types.js';
import { effectiveApi, type EffectiveApi } from '../model/effective-api.js';
import { CHARACTERISTICS, type Characteristic } from '../policies/characteristics.js';
import { POLICY_CATALOG, policyModule } from '../policies/catalog.js';
import { checkPolicyConfig } from '../policies/config-check.js';
import { assembleChain, type ChainEntry } from '../precedence/assemble.js';
import { orderViolations } from '../precedence/validate-order.js';

/**
 * What checking one Api's chain in one environment found, apart from SLA
 * contracts (those involve Applications). It depends on the two manifests
 * only, so it is kept while both are the same objects (unchanged files).
 */
interface CheckedChain {
  effective: EffectiveApi;
  chain: ChainEntry[];
  diagnostics: Diagnostic[];
}

export type ChainCheckMemo = WeakMap<ApiManifest, WeakMap<EnvironmentManifest, CheckedChain>>;

/** Checks every assembled chain of the given environments: order, automated conflicts, characteristics, configs. */
export function chainDiagnostics(
  set: ManifestSet,
  environments: readonly EnvironmentManifest[],
  memo?: ChainCheckMemo,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  let contracts: ContractsByApi | undefined;
  for (const env of environments) {
    out.push(...listDiagnostics(env.spec.policies, env.source, env.spec.precedence));
    for (const api of set.apis) {
      if (!api.spec.environments.includes(env.name)) continue;
      const checked = memo ? remembered(memo, api, env) : checkChain(api, env);
      if (checked.diagnostics.length) out.push(...checked.diagnostics);
      const sla = checked.chain.find((e) => e.policy.enabled && e.policy.type === 'rate-limiting-sla');
      if (sla) out.push(...slaDiagnostics((contracts ??= contractsByApi(set)), sla, env, checked.effective));
    }
  }
  return out;
}

/** Each Api's contracts, with the application and index that locate them: one pass over the applications. */
type ContractsByApi = Map<string, { app: ApplicationManifest; contract: Contract; index: number }[]>;

function contractsByApi(set: ManifestSet): ContractsByApi {
  const byApi: ContractsByApi = new Map();
  for (const app of set.applications)
    app.spec.contracts.forEach((contract, index) => {
      const list = byApi.get(contract.api);
      if (list) list.push({ app, contract, index });
      else byApi.set(contract.api, [{ app, contract, index }]);
    });
  return byApi;
}

function remembered(memo: ChainCheckMemo, api: ApiManifest, env: EnvironmentManifest): CheckedChain {
  let byEnvironment = memo.get(api);
  if (!byEnvironment) memo.set(api, (byEnvironment = new WeakMap()));
  let checked = byEnvironment.get(env);
  if (!checked) byEnvironment.set(env, (checked = checkChain(api, env)));
  return checked;
}

function checkChain(api: ApiManifest, env: EnvironmentManifest): CheckedChain {
  const effective = effectiveApi(api, env.name);
  const chain = assembleChain(env.spec.policies, effective.policies, env.spec.precedence);
  const diagnostics = [
    ...orderDiagnostics(effective.policies, api.source, env.spec.precedence),
    ...configDiagnostics(effective.policies, api.source, overridePaths(effective)),
    ...automatedConflicts(env, effective),
    ...characteristicDiagnostics(chain, env, effective),
  ];
  return { effective, chain, diagnostics };
}

function policyPosition(entry: ChainEntry, env: EnvironmentManifest, api: EffectiveApi) {
  const source = entry.origin === 'environment' ? env.source : api.manifest.source;
  return { where: locate(source, ['spec', 'policies', entry.index]), path: `spec.policies[${entry.index}]` };
}

/** Order within one declared list, plus each policy's config checks. */
function listDiagnostics(
  policies: readonly PolicySpec[],
  source: SourceDocument,
  profile: PrecedenceProfile,
): Diagnostic[] {
  return [...orderDiagnostics(policies, source, profile), ...configDiagnostics(policies, source, new Map())];
}

function orderDiagnostics(
  policies: readonly PolicySpec[],
  source: SourceDocument,
  profile: PrecedenceProfile,
): Diagnostic[] {
  return orderViolations(policies, profile).map((v) =>
    diagnostic('TG_PRECEDENCE', v.message, locate(source, ['spec', 'policies', v.index]), `spec.policies[${v.index}]`),
  );
}

/** Where the override of a policy's config for this environment is written, by policy name. */
type OverridePaths = ReadonlyMap<string, { path: PathSegment[]; config: Record<string, unknown> }>;

function overridePaths(api: EffectiveApi): OverridePaths {
  const overrides = api.manifest.spec.overrides?.[api.environment]?.policies ?? {};
  const out = new Map<string, { path: PathSegment[]; config: Record<string, unknown> }>();
  for (const [name, change] of Object.entries(overrides)) {
    if (change.config)
      out.set(name, {
        path: ['spec', 'overrides', api.environment, 'policies', name, 'config'],
        config: change.config,
      });
  }
  return out;
}

/**
 * Each config through the check the gateway runs too: the schema first (an
 * override's config is merged over the base config, and the result must still
 * match), the policy's own checks only on what the schema accepted.
 */
function configDiagnostics(
  policies: readonly PolicySpec[],
  source: SourceDocument,
  overrides: OverridePaths,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  policies.forEach((policy, i) => {
    const base: PathSegment[] = ['spec', 'policies', i, 'config'];
    const override = overrides.get(policy.name);
    const checked = checkPolicyConfig(policy.type, policy.config);
    if (checked.schemaErrors.length) {
      out.push(...schemaDiagnostics(source, checked.schemaErrors, override?.path ?? base));
      return;
    }
    for (const problem of checked.problems) {
      // A problem in a field the override sets is the override's; otherwise it is the base config's.
      const at =
        override &&
        problem.path.length > 0 &&
        problem.path[0] !== undefined &&
        String(problem.path[0]) in override.config
          ? override.path
          : base;
      const path = [...at, ...problem.path];
      const where = problem.offset === undefined ? locate(source, path) : locateInString(source, path, problem.offset);
      out.push(
        diagnostic(
          problem.code ?? 'TG_POLICY_CONFIG',
          `${policy.type} "${policy.name}": ${problem.message}`,
          where,
          formatPath(path),
        ),
      );
    }
  });
  return out;
}

/** Custom policies are the same type when they run the same module file. */
function typeKey(policy: PolicySpec, source: SourceDocument): string {
  return policy.type === 'custom'
    ? `custom:${path.resolve(path.dirname(source.file), String(policy.config.module))}`
    : policy.type;
}

function automatedConflicts(env: EnvironmentManifest, api: EffectiveApi): Diagnostic[] {
  const automated = new Map(env.spec.policies.map((p) => [typeKey(p, env.source), p]));
  const out: Diagnostic[] = [];
  api.policies.forEach((policy, i) => {
    const envPolicy = automated.get(typeKey(policy, api.manifest.source));
    if (!envPolicy) return;
    out.push(
      diagnostic(
        'TG_AUTOMATED_CONFLICT',
        `"${policy.name}" (${policy.type}) is already applied to every API of environment "${env.name}" as automated policy "${envPolicy.name}"; remove it here or from the environment`,
        locate(api.manifest.source, ['spec', 'policies', i, 'type']),
        `spec.policies[${i}].type`,
      ),
    );
  });
  return out;
}

function characteristicDiagnostics(
  chain: readonly ChainEntry[],
  env: EnvironmentManifest,
  api: EffectiveApi,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const enabled = chain.filter((e) => e.policy.enabled);
  const providers = new Map<Characteristic, ChainEntry[]>();
  for (const entry of enabled) {
    for (const c of policyModule(entry.policy.type).provides) providers.set(c, [...(providers.get(c) ?? []), entry]);
  }
  for (const entry of enabled) {
    for (const required of policyModule(entry.policy.type).requires) {
      if (providers.has(required)) continue;
      const { where, path } = policyPosition(entry, env, api);
      const candidates = [...POLICY_CATALOG.values()].filter((m) => m.provides.includes(required)).map((m) => m.type);
      out.push(
        diagnostic(
          'TG_REQUIREMENT_MISSING',
          `"${entry.policy.name}" (${entry.policy.type}) requires "${CHARACTERISTICS[required].label}", which no enabled policy of Api "${api.manifest.name}" in environment "${env.name}" provides` +
            (candidates.length ? `; add ${candidates.join(' or ')}` : ''),
          where,
          path,
        ),
      );
    }
  }
  for (const [characteristic, entries] of providers) {
    if (!CHARACTERISTICS[characteristic].exclusive) continue;
    const unscoped = entries.filter((e) => !e.policy.rules);
    if (entries.length < 2 || unscoped.length === 0) continue;
    const [first, ...others] = entries as [ChainEntry, ...ChainEntry[]];
    for (const other of others) {
      const { where, path } = policyPosition(other, env, api);
      out.push(
        diagnostic(
          'TG_CHARACTERISTIC_CONFLICT',
          `"${other.policy.name}" and "${first.policy.name}" both provide "${CHARACTERISTICS[characteristic].label}" on Api "${api.manifest.name}" in environment "${env.name}"; keep one, or scope both with rules`,
          where,
          path,
        ),
      );
    }
  }
  return out;
}

function slaDiagnostics(
  contracts: ContractsByApi,
  sla: ChainEntry,
  env: EnvironmentManifest,
  api: EffectiveApi,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (api.slaTiers.length === 0) {
    const { where, path } = policyPosition(sla, env, api);
    out.push(
      diagnostic(
        'TG_SLA_TIER',
        `"${sla.policy.name}" (rate-limiting-sla) limits clients by their SLA tier, but Api "${api.manifest.name}" defines no slaTiers in environment "${env.name}"`,
        where,
        path,
      ),
    );
  }
  const tiers = new Set(api.slaTiers.map((t) => t.name));
  for (const { app, contract, index: i } of contracts.get(api.manifest.name) ?? []) {
    if (contract.environments && !contract.environments.includes(env.name)) continue;
    if (contract.tier !== undefined) {
      if (!tiers.has(contract.tier)) {
        out.push(
          diagnostic(
            'TG_SLA_TIER',
            `SLA tier "${contract.tier}" is not defined for Api "${api.manifest.name}" in environment "${env.name}", where it enforces rate-limiting-sla (tiers there: ${[...tiers].join(', ') || 'none'})`,
            locate(app.source, ['spec', 'contracts', i, 'tier']),
            `spec.contracts[${i}].tier`,
          ),
        );
      }
      continue;
    }
    out.push(
      diagnostic(
        'TG_SLA_TIER',
        `Api "${api.manifest.name}" enforces rate-limiting-sla in environment "${env.name}", so this contract needs a tier (one of: ${api.slaTiers.map((t) => t.name).join(', ') || 'none defined'})`,
        locate(app.source, ['spec', 'contracts', i]),
        `spec.contracts[${i}]`,
      ),
    );
  }
  return out;
}
