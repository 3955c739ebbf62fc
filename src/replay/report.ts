import type { ReplayRecord } from './records.js';
import { changeKind, describeVerdict, type ChangeKind, type Verdict } from './verdict.js';

/** One request whose verdict changed, as a report shows it. */
export interface ChangeExample {
  time: string;
  method: string;
  path: string;
  client: string;
  base: string;
  head: string;
}

/** Requests of one API, policy and client whose verdict changed the same way. */
export interface ChangeGroup {
  api: string;
  /** The policy that answers at the head (newly refused) or answered at the base (newly admitted). */
  policy: string | null;
  client: string;
  change: ChangeKind;
  /** The status the head answers with (refused), or that the base answered with (admitted). */
  status: number | null;
  requests: number;
  examples: ChangeExample[];
}

export interface ApiTotals {
  api: string;
  requests: number;
  changed: number;
  newlyRefused: number;
  newlyAdmitted: number;
}

/** The change groups of one API and policy, over all clients. */
export interface PolicyTotals {
  api: string;
  policy: string | null;
  change: ChangeKind;
  status: number | null;
  requests: number;
  clients: number;
}

export interface ReplayReport {
  base: string;
  head: string;
  records: {
    files: string[];
    replayed: number;
    skipped: number;
    late: number;
    otherEnvironments: number;
    problems: { file: string; line: number; message: string }[];
    from: string | null;
    to: string | null;
  };
  totals: { requests: number; changed: number; newlyRefused: number; newlyAdmitted: number };
  apis: ApiTotals[];
  /** Per API and policy, largest first. */
  policies: PolicyTotals[];
  /** Per API, policy and client, largest first. */
  changes: ChangeGroup[];
  /** What replay could not measure (policies whose inputs records do not carry). */
  notes: string[];
}

const EXAMPLES_PER_GROUP = 3;

/** Who sent a request, as replay groups it: the verified or claimed client, else the principal, else the address. */
export function clientOf(record: ReplayRecord): string {
  if (record.client) return record.client.verified ? record.client.id : `${record.client.id} (unverified)`;
  if (record.principal) return `user ${record.principal}`;
  return `ip ${record.clientIp}`;
}

/** Counts verdicts as records go by; groups the changed ones. */
export class ReportBuilder {
  private readonly groups = new Map<string, ChangeGroup>();
  private readonly apis = new Map<string, ApiTotals>();
  private requests = 0;
  private first: number | null = null;
  private last: number | null = null;

  add(record: ReplayRecord, api: string | null, base: Verdict, head: Verdict, changed: boolean): void {
    this.requests++;
    if (this.first === null || record.time < this.first) this.first = record.time;
    if (this.last === null || record.time > this.last) this.last = record.time;
    const name = api ?? '(no API)';
    const totals = this.apis.get(name) ?? this.newApi(name);
    totals.requests++;
    if (!changed) return;
    const change = changeKind(base, head);
    totals.changed++;
    if (change === 'newly-refused') totals.newlyRefused++;
    if (change === 'newly-admitted') totals.newlyAdmitted++;
    const deciding = head.outcome === 'refused' ? head : base.outcome === 'refused' ? base : undefined;
    const client = clientOf(record);
    const key = `${name}\0${deciding?.policy}\0${client}\0${change}\0${deciding?.status}`;
    let group = this.groups.get(key);
    if (!group) {
      group = {
        api: name,
        policy: deciding?.policy ?? null,
        client,
        change,
        status: deciding?.status ?? null,
        requests: 0,
        examples: [],
      };
      this.groups.set(key, group);
    }
    group.requests++;
    if (group.examples.length < EXAMPLES_PER_GROUP) {
      group.examples.push({
        time: new Date(record.time).toISOString(),
        method: record.method,
        path: record.path,
        client,
        base: describeVerdict(base),
        head: describeVerdict(head),
      });
    }
  }

  build(header: Pick<ReplayReport, 'base' | 'head' | 'records' | 'notes'>): ReplayReport {
    const apis = [...this.apis.values()].sort((a, b) => a.api.localeCompare(b.api));
    const sum = (k: 'changed' | 'newlyRefused' | 'newlyAdmitted') => apis.reduce((n, a) => n + a[k], 0);
    const changes = [...this.groups.values()].sort(
      (a, b) => b.requests - a.requests || a.api.localeCompare(b.api) || a.client.localeCompare(b.client),
    );
    const policies = new Map<string, PolicyTotals>();
    for (const g of changes) {
      const key = `${g.api}\0${g.policy}\0${g.change}\0${g.status}`;
      const totals = policies.get(key) ?? {
        api: g.api,
        policy: g.policy,
        change: g.change,
        status: g.status,
        requests: 0,
        clients: 0,
      };
      totals.requests += g.requests;
      totals.clients++;
      policies.set(key, totals);
    }
    return {
      ...header,
      records: {
        ...header.records,
        from: this.first === null ? null : new Date(this.first).toISOString(),
        to: this.last === null ? null : new Date(this.last).toISOString(),
      },
      totals: {
        requests: this.requests,
        changed: sum('changed'),
        newlyRefused: sum('newlyRefused'),
        newlyAdmitted: sum('newlyAdmitted'),
      },
      apis,
      policies: [...policies.values()].sort((a, b) => b.requests - a.requests || a.api.localeCompare(b.api)),
      changes,
    };
  }

  private newApi(api: string): ApiTotals {
    const totals = { api, requests: 0, changed: 0, newlyRefused: 0, newlyAdmitted: 0 };
    this.apis.set(api, totals);
    return totals;
  }
}
