import { renderHistogram } from './histogram.js';
import { LATENCY_BUCKETS, OTHER_STATUS, OUTCOMES, STATUS_SLOTS, policyOffset, type CellsLayout } from './cells.js';

export interface SharedCells {
  layout: CellsLayout;
  values: Float64Array;
}

/** Prometheus text of the data plane's cells, rendered on the control thread. */
export function renderDataPlaneMetrics(apis: Iterable<SharedCells>): string {
  const all = [...apis];
  const out: string[] = ['# HELP tollgate_requests_total Requests by API and outcome.', '# TYPE tollgate_requests_total counter'];
  for (const { layout, values } of all) {
    OUTCOMES.forEach((outcome, i) => out.push(`tollgate_requests_total{api="${esc(layout.api)}",outcome="${outcome}"} ${values[i] as number}`));
  }
  out.push('# HELP tollgate_policy_rejections_total Requests a policy answered itself, by status.', '# TYPE tollgate_policy_rejections_total counter');
  for (const { layout, values } of all) {
    layout.policies.forEach((policy, p) => {
      const statuses = policyOffset(p) + LATENCY_BUCKETS.length + 2;
      for (let slot = 0; slot < STATUS_SLOTS; slot++) {
        const code = values[statuses + slot * 2] as number;
        if (code === 0) break;
        const status = code === OTHER_STATUS ? 'other' : String(code);
        out.push(`tollgate_policy_rejections_total{api="${esc(layout.api)}",policy="${esc(policy.name)}",type="${policy.type}",status="${status}"} ${values[statuses + slot * 2 + 1] as number}`);
      }
    });
  }
  out.push('# HELP tollgate_policy_duration_seconds Time spent in a policy on the request path.', '# TYPE tollgate_policy_duration_seconds histogram');
  for (const { layout, values } of all) {
    layout.policies.forEach((policy, p) => {
      out.push(...renderHistogram('tollgate_policy_duration_seconds', `api="${esc(layout.api)}",policy="${esc(policy.name)}",type="${policy.type}"`, LATENCY_BUCKETS, values, policyOffset(p)));
    });
  }
  return out.join('\n') + '\n';
}

export function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
