import { renderHistogram } from './histogram.js';
import {
  API_STATUS_SLOTS,
  LATENCY_BUCKETS,
  OUTCOMES,
  RESPONSES_OFFSET,
  STATUS_SLOTS,
  policyOffset,
  statusCounts,
  type CellsLayout,
} from './cells.js';

export interface SharedCells {
  layout: CellsLayout;
  values: Float64Array;
}

/** Prometheus text of the data plane's cells, rendered on the control thread. */
export function renderDataPlaneMetrics(apis: Iterable<SharedCells>): string {
  const all = [...apis];
  const out: string[] = [
    '# HELP tollgate_requests_total Requests by API and outcome.',
    '# TYPE tollgate_requests_total counter',
  ];
  for (const { layout, values } of all) {
    OUTCOMES.forEach((outcome, i) =>
      out.push(`tollgate_requests_total{api="${esc(layout.api)}",outcome="${outcome}"} ${values[i] as number}`),
    );
  }
  out.push(
    "# HELP tollgate_responses_total Responses by API and status (the upstream's or the gateway's own).",
    '# TYPE tollgate_responses_total counter',
  );
  for (const { layout, values } of all) {
    for (const { status, count } of statusCounts(values, RESPONSES_OFFSET, API_STATUS_SLOTS))
      out.push(`tollgate_responses_total{api="${esc(layout.api)}",status="${status}"} ${count}`);
  }
  out.push(
    '# HELP tollgate_request_duration_seconds Time from the request to the end of its response, by API.',
    '# TYPE tollgate_request_duration_seconds histogram',
  );
  for (const { layout, values } of all)
    out.push(
      ...renderHistogram(
        'tollgate_request_duration_seconds',
        `api="${esc(layout.api)}"`,
        LATENCY_BUCKETS,
        values,
        RESPONSES_OFFSET,
      ),
    );
  out.push(
    '# HELP tollgate_policy_rejections_total Requests a policy answered itself, by status.',
    '# TYPE tollgate_policy_rejections_total counter',
  );
  for (const { layout, values } of all) {
    layout.policies.forEach((policy, p) => {
      for (const { status, count } of statusCounts(values, policyOffset(p), STATUS_SLOTS)) {
        out.push(
          `tollgate_policy_rejections_total{api="${esc(layout.api)}",policy="${esc(policy.name)}",type="${policy.type}",status="${status}"} ${count}`,
        );
      }
    });
  }
  out.push(
    '# HELP tollgate_policy_duration_seconds Time spent in a policy on the request path.',
    '# TYPE tollgate_policy_duration_seconds histogram',
  );
  for (const { layout, values } of all) {
    layout.policies.forEach((policy, p) => {
      out.push(
        ...renderHistogram(
          'tollgate_policy_duration_seconds',
          `api="${esc(layout.api)}",policy="${esc(policy.name)}",type="${policy.type}"`,
          LATENCY_BUCKETS,
          values,
          policyOffset(p),
        ),
      );
    });
  }
  return out.join('\n') + '\n';
}

export function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
