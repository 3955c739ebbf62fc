export interface ReloadRecord {
  at: string;
  revision: number;
  result: 'applied' | 'unchanged' | 'refused';
  durationMs: number;
  changedApis?: string[];
  error?: string;
}

const KEPT_RECORDS = 10;

/** The last reloads (GET /status, newest first) and the reload counters (/metrics). */
export class ReloadHistory {
  /** The last 10 reloads, newest first. */
  readonly records: ReloadRecord[] = [];
  readonly counts = { ok: 0, failed: 0, lastSeconds: 0 };

  applied(revision: number, durationMs: number, changedApis: string[]): void {
    this.counts.ok++;
    this.counts.lastSeconds = durationMs / 1000;
    this.record({ at: new Date().toISOString(), revision, result: 'applied', durationMs, changedApis });
  }

  unchanged(revision: number, durationMs: number): void {
    this.record({ at: new Date().toISOString(), revision, result: 'unchanged', durationMs });
  }

  /** A refused transaction; a stale revision is the client's race, not a failed reload. */
  refused(revision: number, durationMs: number, error: string, countsAsFailure: boolean): void {
    if (countsAsFailure) this.counts.failed++;
    this.record({ at: new Date().toISOString(), revision, result: 'refused', durationMs, error });
  }

  private record(entry: ReloadRecord): void {
    this.records.unshift(entry);
    this.records.length = Math.min(this.records.length, KEPT_RECORDS);
  }
}
