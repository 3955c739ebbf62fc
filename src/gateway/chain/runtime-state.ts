/**
 * Policy state that must survive reloads (queues, caches), by api, then by
 * policy/key. After a reload, what the new chain of an API did not ask for again
 * is dropped: work proportional to that API's entries, not to all of them.
 */
export class RuntimeStateStore {
  private readonly byApi = new Map<string, Map<string, unknown>>();

  keeper(api: string, policy: string, keptStateIds: Set<string>) {
    return <T>(key: string, init: () => T): T => {
      const id = `${policy}\u0000${key}`;
      keptStateIds.add(id);
      let entries = this.byApi.get(api);
      if (!entries) this.byApi.set(api, (entries = new Map()));
      if (!entries.has(id)) entries.set(id, init());
      return entries.get(id) as T;
    };
  }

  /** Drops the state of `api` that is not in `keptStateIds` (everything its new chain asked for). */
  retain(api: string, keptStateIds: ReadonlySet<string>): void {
    const entries = this.byApi.get(api);
    if (!entries) return;
    for (const id of entries.keys()) if (!keptStateIds.has(id)) entries.delete(id);
    if (entries.size === 0) this.byApi.delete(api);
  }

  get size(): number {
    let n = 0;
    for (const entries of this.byApi.values()) n += entries.size;
    return n;
  }
}
