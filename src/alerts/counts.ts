import {
  API_STATUS_SLOTS,
  OUTCOMES,
  RESPONSES_OFFSET,
  STATUS_SLOTS,
  policyOffset,
  statusCounts,
  type CellsLayout,
} from '../gateway/metrics/cells.js';
import { LATENCY_BUCKETS } from '../gateway/metrics/cells.js';

/** What one node counted for one API since it started: cumulative, so two readings give a period's activity. */
export interface ApiCounts {
  requests: number;
  /** Responses by status ("other" counts statuses beyond the node's slots). */
  statuses: Record<string, number>;
  latencySumMs: number;
  latencyCount: number;
  /** Requests each policy answered itself (refused), by policy name. */
  rejections: Record<string, number>;
}

export type NodeCounts = Record<string, ApiCounts>;

/** A node's counts, read from its shared metric cells (on the control thread: nothing is asked of the data plane). */
export function countsOf(cells: Iterable<{ layout: CellsLayout; values: Float64Array }>): NodeCounts {
  const out: NodeCounts = {};
  for (const { layout, values } of cells) {
    let requests = 0;
    for (let i = 0; i < OUTCOMES.length; i++) requests += values[i] as number;
    const statuses: Record<string, number> = {};
    for (const { status, count } of statusCounts(values, RESPONSES_OFFSET, API_STATUS_SLOTS))
      statuses[String(status)] = count;
    const rejections: Record<string, number> = {};
    layout.policies.forEach((policy, p) => {
      let refused = 0;
      for (const { count } of statusCounts(values, policyOffset(p), STATUS_SLOTS)) refused += count;
      rejections[policy.name] = refused;
    });
    const histogram = RESPONSES_OFFSET + LATENCY_BUCKETS.length;
    out[layout.api] = {
      requests,
      statuses,
      latencySumMs: (values[histogram] as number) * 1000,
      latencyCount: values[histogram + 1] as number,
      rejections,
    };
  }
  return out;
}
