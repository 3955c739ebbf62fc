import type { Logger } from 'pino';
import type { GatewayEngine } from '../gateway/engine.js';
import { desiredStateFromPaths } from './desired-state.js';
import { watchFolders } from './folder-watch.js';

export interface LocalLoopOptions {
  paths: readonly string[];
  env?: string;
  engine: GatewayEngine;
  logger: Logger;
  watch: boolean;
  debounceMs?: number;
}

/**
 * The embedded local mode: manifests in a folder drive the in-process gateway.
 * Invalid manifests are reported and never applied; the last good state serves on.
 */
export class LocalLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private watcher: ReturnType<typeof watchFolders> | undefined;

  constructor(private readonly options: LocalLoopOptions) {}

  async start(): Promise<void> {
    await this.reconcile();
    if (this.options.watch) {
      this.watcher = watchFolders({ paths: this.options.paths, debounceMs: this.options.debounceMs ?? 25, onChange: () => void this.reconcile() });
      await this.watcher.ready;
    }
  }

  /** Runs one reconcile; a change during a run triggers exactly one more afterwards. */
  reconcile(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.reconcileOnce();
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async reconcileOnce(): Promise<void> {
    const { engine, logger } = this.options;
    try {
      const desired = await desiredStateFromPaths(this.options.paths, this.options.env);
      if (!desired.ok) {
        for (const d of desired.diagnostics) logger.error({ code: d.code, file: d.file, line: d.line, col: d.col, path: d.path }, d.message);
        logger.error({ revision: desired.revision, reason: desired.reason }, 'manifests not applied; the last good state keeps serving');
        return;
      }
      for (const w of desired.warnings) logger.warn({ code: w.code, file: w.file, line: w.line, col: w.col }, w.message);
      const outcome = await engine.apply({ expectedRevision: engine.revision, state: desired.state, source: { kind: 'folder', revision: desired.revision } });
      if (!outcome.ok) logger.error({ code: outcome.code, problems: outcome.problems?.slice(0, 20) }, outcome.message);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'reconcile failed; the last good state keeps serving');
    }
  }

  async close(): Promise<void> {
    await this.watcher?.close();
    await this.running;
  }
}
