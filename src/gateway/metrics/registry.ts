import { ApiCells, POLICY_STRIDE, policyOffset, type CellsLayout } from './cells.js';

/**
 * The data plane's metric cells by API, kept across reloads: an API whose chain
 * changes gets cells of its new layout, with the counts of the policies it kept
 * (same name and type) carried over.
 */
export class MetricsRegistry {
  private readonly apis = new Map<string, ApiCells>();

  cellsFor(api: string, policies: CellsLayout['policies']): ApiCells {
    const existing = this.apis.get(api);
    if (existing && sameLayout(existing.layout.policies, policies)) return existing;
    const cells = new ApiCells({ api, policies: policies.map((p) => ({ name: p.name, type: p.type })) });
    if (existing) carryOver(existing, cells);
    this.apis.set(api, cells);
    return cells;
  }

  forget(api: string): void {
    this.apis.delete(api);
  }
}

function sameLayout(a: CellsLayout['policies'], b: CellsLayout['policies']): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]?.name && p.type === b[i]?.type);
}

function carryOver(from: ApiCells, to: ApiCells): void {
  to.values.set(from.values.subarray(0, policyOffset(0)));
  from.layout.policies.forEach((policy, i) => {
    const j = to.layout.policies.findIndex((p) => p.name === policy.name && p.type === policy.type);
    if (j === -1) return;
    to.values.set(from.values.subarray(policyOffset(i), policyOffset(i) + POLICY_STRIDE), policyOffset(j));
  });
}
