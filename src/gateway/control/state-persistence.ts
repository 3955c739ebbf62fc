import type { Logger } from 'pino';
import type { EnvironmentState } from '../../model/types.js';
import type { PersistedState } from '../state/persistence.js';
import { StateStore, changesBetween } from '../state/state-store.js';

/**
 * The applied state on disk, when the gateway has a state dir: loaded at
 * start-up, made durable before a state serves (what changed since the durable
 * state, or the whole state), and folded into a snapshot once the journal has
 * grown. Without a state dir nothing is persisted.
 */
export class StatePersistence {
  /** The last revision known to be on disk. */
  revision = 0;
  private readonly store: StateStore | undefined;

  constructor(
    readonly dir: string | undefined,
    private readonly logger: Logger,
  ) {
    this.store = dir === undefined ? undefined : new StateStore(dir);
  }

  /** The persisted state, after removing what interrupted writes left. */
  async load(): Promise<PersistedState | undefined> {
    const loaded = await this.store?.load();
    if (loaded?.leftovers.length)
      this.logger.info({ files: loaded.leftovers }, 'removed temp files of interrupted state writes');
    if (loaded?.persisted) this.revision = loaded.persisted.revision;
    return loaded?.persisted;
  }

  /**
   * Makes `next` durable; throws when it cannot be written. `served` is the
   * state serving now, at `servedRevision`: when it is the durable one, only
   * what changed since is written.
   */
  async commit(next: PersistedState, served: EnvironmentState | undefined, servedRevision: number): Promise<void> {
    if (!this.store) return;
    const durable = served !== undefined && this.revision === servedRevision ? served : undefined;
    await this.store.commit(next, durable && changesBetween(durable, next.state));
    this.revision = next.revision;
  }

  /** Folds the journal into a new snapshot once it has grown; a failure leaves the journal, which still holds everything. */
  async compactIfNeeded(servedRevision: number, served: () => PersistedState | undefined): Promise<void> {
    if (!this.store?.wantsCompaction || this.revision !== servedRevision) return;
    const current = served();
    if (!current) return;
    try {
      await this.store.snapshot(current);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message },
        'could not fold the state journal into a snapshot; the journal keeps every change',
      );
    }
  }

  async close(): Promise<void> {
    await this.store?.close();
  }
}
