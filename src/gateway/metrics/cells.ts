import { Histogram } from './histogram.js';

/**
 * Metric cells of one API in shared memory. The data plane's thread is the only
 * writer (plain increments on the request path, no locking); the control thread
 * reads the same memory to render /metrics and to evaluate alerts, so neither
 * costs the data plane anything.
 *
 * Layout (Float64): outcomes | the API's responses: latency histogram, status
 * slots | per policy: latency histogram, status slots.
 */
export const OUTCOMES = ['forwarded', 'rejected', 'upstream_error', 'unavailable'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME: Readonly<Record<Outcome, number>> = {
  forwarded: 0,
  rejected: 1,
  upstream_error: 2,
  unavailable: 3,
};

export const LATENCY_BUCKETS: readonly number[] = [
  0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5,
];
/** Distinct statuses counted per policy; a policy answering more of them counts the rest as "other". */
export const STATUS_SLOTS = 8;
/** Distinct response statuses counted per API (an API answers more kinds than one policy). */
export const API_STATUS_SLOTS = 16;
/** Marks the slot that counts every status beyond the slots before it. */
export const OTHER_STATUS = -1;
export const HISTOGRAM_SIZE = LATENCY_BUCKETS.length + 2;
export const POLICY_STRIDE = HISTOGRAM_SIZE + STATUS_SLOTS * 2;
/** Where the API's own response cells start, and how many there are. */
export const RESPONSES_OFFSET = OUTCOMES.length;
const RESPONSES_SIZE = HISTOGRAM_SIZE + API_STATUS_SLOTS * 2;

export interface CellsLayout {
  api: string;
  policies: readonly { name: string; type: string }[];
}

/** Where a policy's cells start in its API's array. */
export function policyOffset(index: number): number {
  return RESPONSES_OFFSET + RESPONSES_SIZE + index * POLICY_STRIDE;
}

export function cellCount(layout: CellsLayout): number {
  return policyOffset(layout.policies.length);
}

export interface PolicyCells {
  latency: Histogram;
  /** Counts a reply of the policy by status. */
  countStatus(status: number): void;
}

export class ApiCells {
  readonly values: Float64Array;
  readonly policies: PolicyCells[];
  /** Every response the API's requests got (upstream's or the gateway's), by latency and status. */
  readonly responses: PolicyCells;

  constructor(
    readonly layout: CellsLayout,
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(cellCount(layout) * Float64Array.BYTES_PER_ELEMENT),
  ) {
    this.values = new Float64Array(buffer);
    this.responses = statusAndLatency(this.values, RESPONSES_OFFSET, API_STATUS_SLOTS);
    this.policies = layout.policies.map((_, i) => statusAndLatency(this.values, policyOffset(i), STATUS_SLOTS));
  }

  count(outcome: number): void {
    this.values[outcome] = (this.values[outcome] as number) + 1;
  }
}

function statusAndLatency(values: Float64Array, offset: number, slots: number): PolicyCells {
  const statuses = offset + HISTOGRAM_SIZE;
  return {
    latency: new Histogram(LATENCY_BUCKETS, values, offset),
    countStatus(status) {
      // Slots are (status, count) pairs filled in first-seen order; the last one counts the rest.
      for (let slot = 0; slot < slots; slot++) {
        const at = statuses + slot * 2;
        const code = values[at] as number;
        if (code === status || (slot === slots - 1 && code === OTHER_STATUS)) {
          values[at + 1] = (values[at + 1] as number) + 1;
          return;
        }
        if (code === 0) {
          values[at] = slot === slots - 1 ? OTHER_STATUS : status;
          values[at + 1] = 1;
          return;
        }
      }
    },
  };
}

/** The (status, count) pairs stored at `offset` (a histogram's start): what was counted so far. */
export function statusCounts(
  values: Float64Array,
  offset: number,
  slots: number,
): { status: number | 'other'; count: number }[] {
  const out: { status: number | 'other'; count: number }[] = [];
  const statuses = offset + HISTOGRAM_SIZE;
  for (let slot = 0; slot < slots; slot++) {
    const code = values[statuses + slot * 2] as number;
    if (code === 0) break;
    out.push({ status: code === OTHER_STATUS ? 'other' : code, count: values[statuses + slot * 2 + 1] as number });
  }
  return out;
}
