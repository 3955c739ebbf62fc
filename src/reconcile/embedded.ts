import type { Logger } from 'pino';
import type { GatewayEngine } from '../gateway/engine.js';
import { Reconciler } from './reconciler.js';
import { FolderSource } from './sources/folder.js';
import { EngineClient } from './target.js';

/**
 * The embedded local mode: the gateway of this process follows a manifest
 * folder through the same reconcile loop `tollgate reconcile` runs. It owns the
 * gateway, so what the folder no longer has is pruned.
 */
export function embeddedReconciler(engine: GatewayEngine, options: { paths: readonly string[]; env?: string; watch: boolean; logger: Logger }): Reconciler {
  const target = [{ name: 'local', client: new EngineClient(engine) }];
  return new Reconciler({
    ...(options.env ? { environment: options.env } : {}),
    source: new FolderSource(options.paths, { watch: options.watch }),
    targets: () => target,
    prune: true,
    allowEmpty: true,
    selfHeal: false,
    driftIntervalMs: 0,
    logger: options.logger,
  });
}
