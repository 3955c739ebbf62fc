import type { Logger } from 'pino';
import type { ControlEngine } from '../gateway/control/engine.js';
import type { ManifestLimits } from '../manifest/limits.js';
import { Reconciler, type ReconcilerOptions } from './reconciler.js';
import { FolderSource } from './sources/folder.js';
import { EngineClient } from './target.js';

export interface EmbeddedOptions {
  paths: readonly string[];
  env?: string;
  watch: boolean;
  logger: Logger;
  limits?: ManifestLimits;
  readGuard?: ReconcilerOptions['readGuard'];
  followExternalLinks?: boolean;
  variables?: NodeJS.ProcessEnv;
}

/**
 * The embedded local mode: the gateway of this process follows a manifest
 * folder through the same reconcile loop `tollgate reconcile` runs. It owns the
 * gateway, so what the folder no longer has is pruned.
 */
export function embeddedReconciler(engine: ControlEngine, options: EmbeddedOptions): Reconciler {
  const target = [{ name: 'local', client: new EngineClient(engine) }];
  return new Reconciler({
    ...(options.env ? { environment: options.env } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.readGuard ? { readGuard: options.readGuard } : {}),
    ...(options.followExternalLinks ? { followExternalLinks: true } : {}),
    ...(options.variables ? { variables: options.variables } : {}),
    source: new FolderSource(options.paths, { watch: options.watch }),
    targets: () => target,
    prune: true,
    allowEmpty: true,
    selfHeal: false,
    driftIntervalMs: 0,
    logger: options.logger,
  });
}
