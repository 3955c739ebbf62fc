import { diagnostic, sortDiagnostics, type Diagnostic } from '../errors/diagnostic.js';
import type { ManifestFileCache } from '../manifest/file-cache.js';
import type { Inventory } from '../manifest/discover.js';
import type { ManifestLimits } from '../manifest/limits.js';
import { loadManifests, type LoadResult } from '../manifest/load.js';
import { locate } from '../manifest/source.js';
import type { EnvironmentManifest, ManifestSet } from '../manifest/types.js';
import { alertDiagnostics } from './alerts.js';
import { basePathDiagnostics } from './base-paths.js';
import { chainDiagnostics, type ChainCheckMemo } from './chains.js';
import { certificateDiagnostics } from './certificates.js';
import { customPolicyDiagnostics, readFromDisk, type AuxiliaryReader } from './custom-policies.js';
import { referenceDiagnostics } from './references.js';
import { secretDiagnostics } from './secrets.js';
import { selectManifests } from '../labels/select.js';
import type { Selector } from '../labels/selector.js';

export interface ValidateOptions {
  /** Check only this environment's assembled chains. */
  env?: string;
  readAuxiliary?: AuxiliaryReader;
  /** Files loaded before: those whose text did not change are not parsed again. */
  files?: ManifestFileCache;
  /** Chains checked before, for the manifests that are still the same objects. */
  chainChecks?: ChainCheckMemo;
  /** Size limits of what is read (defaults: DEFAULT_MANIFEST_LIMITS). */
  limits?: ManifestLimits;
  /** A certificate expiring within this many days is warned about (default 30). */
  certExpiryWarningDays?: number;
  /** Where `${env:...}` of TLS material is looked up (default: this process's environment). */
  tlsEnv?: NodeJS.ProcessEnv;
  /** Follow links that lead outside the folders given. */
  followExternalLinks?: boolean;
  /** Validate only what this label selector selects (src/labels/select.ts); load problems are reported for every file. */
  selector?: Selector;
  /** The files under the paths and their stats, taken for this very validation (takeInventory). */
  inventory?: Inventory;
}

/** Every semantic rule over schema-valid manifests. Diagnostics are deduplicated and sorted. */
export function validateManifestSet(set: ManifestSet, options: ValidateOptions = {}): Diagnostic[] {
  const out: Diagnostic[] = [];
  let environments: EnvironmentManifest[] = set.environments;
  if (options.env !== undefined) {
    environments = set.environments.filter((e) => e.name === options.env);
    if (environments.length === 0) {
      const known = set.environments.map((e) => e.name).join(', ') || 'none';
      out.push(diagnostic('TG_UNKNOWN_ENV_FILTER', `environment "${options.env}" is not defined (defined: ${known})`));
    }
  }
  out.push(...referenceDiagnostics(set));
  out.push(...chainDiagnostics(set, environments, options.chainChecks));
  out.push(...basePathDiagnostics(set, environments));
  out.push(...secretDiagnostics(set));
  out.push(...customPolicyDiagnostics(set, options.readAuxiliary ?? readFromDisk));
  out.push(...alertDiagnostics(set));
  out.push(
    ...certificateDiagnostics(set, {
      readers: { env: options.tlsEnv ?? process.env, readFile: options.readAuxiliary ?? readFromDisk },
      ...(options.certExpiryWarningDays === undefined ? {} : { expiryWarningDays: options.certExpiryWarningDays }),
    }),
  );
  for (const env of environments) {
    if (env.spec.nodes.length === 0) {
      out.push(
        diagnostic(
          'TG_NO_NODES',
          `environment "${env.name}" lists no gateway nodes: plan and apply have nowhere to go (the embedded gateway still serves it)`,
          locate(env.source, ['metadata', 'name']),
          'metadata.name',
        ),
      );
    }
    // An Api that failed its schema may be deployed here: then the environment is not known to be empty.
    if (set.invalidNames.Api.size === 0 && !set.apis.some((a) => a.spec.environments.includes(env.name))) {
      out.push(
        diagnostic(
          'TG_EMPTY_ENVIRONMENT',
          `no Api is deployed to environment "${env.name}"`,
          locate(env.source, ['metadata', 'name']),
          'metadata.name',
        ),
      );
    }
  }
  return dedupe(out);
}

export interface ValidationResult extends LoadResult {
  valid: boolean;
}

/** Load, schema-check and validate the manifests under `paths`. */
export async function validatePaths(
  paths: readonly string[],
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const loaded = await loadManifests(
    paths,
    options.files,
    options.limits,
    { followExternalLinks: options.followExternalLinks ?? false },
    options.inventory,
  );
  return finish(loaded, options);
}

export function finish(loaded: LoadResult, options: ValidateOptions = {}): ValidationResult {
  const manifests = selectManifests(loaded.manifests, options.selector);
  const diagnostics = sortDiagnostics(dedupe([...loaded.diagnostics, ...validateManifestSet(manifests, options)]));
  return { ...loaded, manifests, diagnostics, valid: !diagnostics.some((d) => d.severity === 'error') };
}

/** One chain checked in several environments can report the same problem more than once. */
function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.code}|${d.file}|${d.line}|${d.col}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
