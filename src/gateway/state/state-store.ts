import { createHash } from 'node:crypto';
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { EnvironmentState } from '../../model/types.js';
import { applyChanges, type StateChange } from './apply-changes.js';
import { loadPersistedState, persistState, removeInterruptedWrites, type PersistedState } from './persistence.js';

/** The journal is folded into a new snapshot after this many entries or bytes. */
const COMPACT_ENTRIES = 200;
const COMPACT_BYTES = 64 * 1024 * 1024;
const JOURNAL = 'state.journal';

/** One journal entry: what a transaction changed, and the revision it made. */
interface JournalEntry {
  revision: number;
  digest: string;
  source: PersistedState['source'];
  savedAt: string;
  changes: StateChange[];
}

/**
 * The gateway's applied state on disk: a snapshot (state.json, written
 * atomically) and a journal of what each transaction changed since
 * (state.journal, appended and flushed). Making a one-API transaction durable
 * costs that API's JSON and one fsync, not a rewrite of a state of thousands of
 * APIs; the journal is folded into a new snapshot now and then, after the
 * transaction that grew it was answered. A torn last entry (a crash mid-append)
 * fails its checksum and is ignored: it was never acknowledged.
 */
export class StateStore {
  private journal: FileHandle | undefined;
  private entries = 0;
  private bytes = 0;
  private readonly apiJson = new WeakMap<object, string>();

  constructor(private readonly dir: string) {}

  /** Removes what interrupted writes left, then reads the snapshot and replays the journal over it. */
  async load(): Promise<{ persisted: PersistedState | undefined; leftovers: string[] }> {
    const leftovers = await removeInterruptedWrites(this.dir);
    let persisted = await loadPersistedState(this.dir);
    for (const entry of await this.readJournal()) {
      if (entry.revision <= (persisted?.revision ?? 0)) continue;
      const base = persisted?.state ?? { environment: environmentOf(entry.changes), apis: [], applications: [] };
      persisted = {
        revision: entry.revision,
        digest: entry.digest,
        source: entry.source,
        savedAt: entry.savedAt,
        state: applyChanges(base, entry.changes),
      };
      this.entries++;
    }
    return { persisted, leftovers };
  }

  /**
   * Makes `next` durable. `changes` is what turns the previous durable state
   * into it (undefined: write it whole, as a new snapshot).
   */
  async commit(next: PersistedState, changes: StateChange[] | undefined): Promise<void> {
    if (changes === undefined) return this.snapshot(next);
    const json = JSON.stringify({
      revision: next.revision,
      digest: next.digest,
      source: next.source,
      savedAt: next.savedAt,
      changes,
    } satisfies JournalEntry);
    const line = `${json}\t${createHash('sha256').update(json).digest('hex')}\n`;
    this.journal ??= await open(path.join(this.dir, JOURNAL), 'a', 0o600);
    await this.journal.appendFile(line);
    await this.journal.datasync();
    this.entries++;
    this.bytes += line.length;
  }

  /** Whether the journal has grown enough to be folded into a snapshot. */
  get wantsCompaction(): boolean {
    return this.entries >= COMPACT_ENTRIES || this.bytes >= COMPACT_BYTES;
  }

  /** Writes `state` as the snapshot and empties the journal (in that order: a crash between them replays nothing twice). */
  async snapshot(state: PersistedState): Promise<void> {
    await persistState(this.dir, state, this.apiJson);
    await this.journal?.close();
    this.journal = undefined;
    await rm(path.join(this.dir, JOURNAL), { force: true });
    this.entries = 0;
    this.bytes = 0;
  }

  async close(): Promise<void> {
    await this.journal?.close();
    this.journal = undefined;
  }

  private async readJournal(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir, JOURNAL), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      const tab = line.lastIndexOf('\t');
      if (tab === -1) continue;
      const json = line.slice(0, tab);
      if (createHash('sha256').update(json).digest('hex') !== line.slice(tab + 1)) continue;
      entries.push(JSON.parse(json) as JournalEntry);
    }
    this.bytes = text.length;
    return entries.sort((a, b) => a.revision - b.revision);
  }
}

/** What changed from `before` to `after`, as transaction changes; objects shared by both (unchanged) are skipped by identity. */
export function changesBetween(before: EnvironmentState, after: EnvironmentState): StateChange[] {
  const changes: StateChange[] = [];
  if (before.environment !== after.environment) changes.push({ op: 'set-environment', environment: after.environment });
  const beforeApis = new Map(before.apis.map((a) => [a.name, a]));
  for (const api of after.apis) if (beforeApis.get(api.name) !== api) changes.push({ op: 'put-api', api });
  const afterApis = new Set(after.apis.map((a) => a.name));
  for (const name of beforeApis.keys()) if (!afterApis.has(name)) changes.push({ op: 'delete-api', name });
  const beforeApps = new Map(before.applications.map((a) => [a.name, a]));
  for (const application of after.applications)
    if (beforeApps.get(application.name) !== application) changes.push({ op: 'put-application', application });
  const afterApps = new Set(after.applications.map((a) => a.name));
  for (const name of beforeApps.keys()) if (!afterApps.has(name)) changes.push({ op: 'delete-application', name });
  const beforeCerts = new Map((before.certificates ?? []).map((c) => [c.name, c]));
  for (const certificate of after.certificates ?? [])
    if (beforeCerts.get(certificate.name) !== certificate) changes.push({ op: 'put-certificate', certificate });
  const afterCerts = new Set((after.certificates ?? []).map((c) => c.name));
  for (const name of beforeCerts.keys()) if (!afterCerts.has(name)) changes.push({ op: 'delete-certificate', name });
  return changes;
}

function environmentOf(changes: readonly StateChange[]): EnvironmentState['environment'] {
  const set = changes.find((c) => c.op === 'set-environment');
  if (set?.op !== 'set-environment')
    throw new Error('the journal starts without an environment and no snapshot: state dir damaged');
  return set.environment;
}
