/** What one side did with a request. */
export type Verdict =
  | { outcome: 'admitted' }
  | { outcome: 'refused'; status: number; policy: string }
  | { outcome: 'unrouted' };

export function sameVerdict(a: Verdict, b: Verdict): boolean {
  if (a.outcome !== b.outcome) return false;
  if (a.outcome === 'refused' && b.outcome === 'refused') return a.status === b.status && a.policy === b.policy;
  return true;
}

export function describeVerdict(v: Verdict): string {
  if (v.outcome === 'refused') return `${v.status} by ${v.policy}`;
  return v.outcome === 'admitted' ? 'admitted' : 'no API (404)';
}

/** How a request's verdict changed from base to head. */
export type ChangeKind = 'newly-refused' | 'newly-admitted' | 'refused-differently' | 'newly-routed' | 'newly-unrouted';

export function changeKind(base: Verdict, head: Verdict): ChangeKind {
  if (head.outcome === 'unrouted') return 'newly-unrouted';
  if (base.outcome === 'unrouted') return 'newly-routed';
  if (head.outcome === 'refused') return base.outcome === 'refused' ? 'refused-differently' : 'newly-refused';
  return 'newly-admitted';
}
