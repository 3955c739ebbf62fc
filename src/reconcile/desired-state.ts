import type { Diagnostic } from '../errors/diagnostic.js';
import type { EnvironmentState } from '../model/types.js';
import type { ManifestSet } from '../manifest/types.js';
import { takeInventory, type Inventory } from '../manifest/discover.js';
import { ManifestFileCache } from '../manifest/file-cache.js';
import type { ManifestLimits } from '../manifest/limits.js';
import { ApiStateMemo, environmentState } from '../model/normalize.js';
import { resolveStateSecrets, type ResolvedApiMemo } from '../secrets/resolve-state.js';
import type { ChainCheckMemo } from '../validate/chains.js';
import { validatePaths } from '../validate/index.js';
import { ownsEnvironment } from '../labels/select.js';
import type { Selector } from '../labels/selector.js';
import { ownedState } from '../model/ownership.js';

export type DesiredOutcome =
  | {
      ok: true;
      state: EnvironmentState;
      environment: string;
      revision: string;
      warnings: Diagnostic[];
      manifests: ManifestSet;
      ownsEnvironment: boolean;
    }
  | { ok: false; reason: string; diagnostics: Diagnostic[]; revision?: string };

/**
 * Manifests → the resolved desired state of one environment, or why not.
 * Nothing invalid or half-resolved ever leaves here. Revision after revision,
 * whatever comes from unchanged files is reused: those files are not parsed
 * again, their APIs are the very same (frozen) objects, so planning only
 * fingerprints and compares the APIs that changed.
 */
export class DesiredStateBuilder {
  private readonly files = new ManifestFileCache();
  private readonly chainChecks: ChainCheckMemo = new WeakMap();
  private readonly apiStates = new ApiStateMemo();
  private readonly resolvedApis: ResolvedApiMemo = new WeakMap();

  constructor(
    private readonly limits?: ManifestLimits,
    private readonly selection: { selector?: Selector; followExternalLinks?: boolean } = {},
    /** Where ${env:NAME} is resolved, read at every build (default process.env). */
    private readonly variables: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The files a build of `paths` reads, with their stats: what a read guard looks at first. */
  inventory(paths: readonly string[]): Promise<Inventory> {
    return takeInventory(paths, { followExternalLinks: this.selection.followExternalLinks ?? false });
  }

  /** `inventory`: this.inventory(paths), taken for this build. */
  async build(paths: readonly string[], env: string | undefined, inventory?: Inventory): Promise<DesiredOutcome> {
    const cached = {
      files: this.files,
      chainChecks: this.chainChecks,
      ...(this.limits ? { limits: this.limits } : {}),
      ...(inventory ? { inventory } : {}),
      ...this.selection,
    };
    const result = await validatePaths(paths, env === undefined ? cached : { env, ...cached });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length)
      return {
        ok: false,
        reason: `${errors.length} validation error(s)`,
        diagnostics: errors,
        revision: result.digest,
      };
    const names = result.manifests.environments.map((e) => e.name);
    const chosen = env ?? (names.length === 1 ? names[0] : undefined);
    if (chosen === undefined) {
      return {
        ok: false,
        reason: names.length
          ? `the manifests define several environments (${names.join(', ')}): choose one with --env`
          : 'the manifests define no Environment',
        diagnostics: [],
        revision: result.digest,
      };
    }
    const resolved = resolveStateSecrets(
      environmentState(result.manifests, chosen, this.apiStates),
      this.variables,
      this.resolvedApis,
    );
    if (!resolved.state)
      return {
        ok: false,
        reason: `unset environment variable(s) referenced by secrets: ${resolved.missing.join(', ')}`,
        diagnostics: [],
        revision: result.digest,
      };
    // With a selector, what is applied is marked as its own (and only the Environment it matches is its to write).
    const state = ownedState(resolved.state, this.selection.selector?.canonical);
    const ownsEnv = ownsEnvironment(result.manifests, chosen, this.selection.selector);
    return {
      ok: true,
      state,
      environment: chosen,
      revision: result.digest,
      warnings: result.diagnostics.filter((d) => d.severity === 'warning'),
      manifests: result.manifests,
      ownsEnvironment: ownsEnv,
    };
  }
}
