/**
 * Policy state that must survive reloads (queues, caches), keyed by
 * api/policy/key. After a reload, what the new chain of an API did not claim
 * again is dropped.
 */
export class RuntimeStateStore {
  private readonly entries = new Map<string, unknown>();

  keeper(api: string, policy: string, claimed: Set<string>) {
    return <T>(key: string, init: () => T): T => {
      const id = `${api}\u0000${policy}\u0000${key}`;
      claimed.add(id);
      if (!this.entries.has(id)) this.entries.set(id, init());
      return this.entries.get(id) as T;
    };
  }

  /** Drops the state of `api` that is not in `claimed` (claimed = everything its new chain asked for). */
  retain(api: string, claimed: ReadonlySet<string>): void {
    const prefix = `${api}\u0000`;
    for (const id of this.entries.keys()) if (id.startsWith(prefix) && !claimed.has(id)) this.entries.delete(id);
  }

  get size(): number {
    return this.entries.size;
  }
}
