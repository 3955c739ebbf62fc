import { Histogram } from './histogram.js';

/**
 * Metric cells of one API in shared memory. The data plane's thread is the only
 * writer (plain increments on the request path, no locking); the control thread
 * reads the same memory to render /metrics, so a scrape costs the data plane nothing.
 */
export const OUTCOMES = ['forwarded', 'rejected', 'upstream_error', 'unavailable'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME: Readonly<Record<Outcome, number>> = { forwarded: 0, rejected: 1, upstream_error: 2, unavailable: 3 };

export const LATENCY_BUCKETS: readonly number[] = [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5];
/** Distinct statuses counted per policy; a policy answering more of them counts the rest as "other". */
export const STATUS_SLOTS = 8;
/** Marks the slot that counts every status beyond the first STATUS_SLOTS - 1. */
export const OTHER_STATUS = -1;
const HISTOGRAM_SIZE = LATENCY_BUCKETS.length + 2;
export const POLICY_STRIDE = HISTOGRAM_SIZE + STATUS_SLOTS * 2;

export interface CellsLayout {
  api: string;
  policies: readonly { name: string; type: string }[];
}

/** Where a policy's cells start in its API's array. */
export function policyOffset(index: number): number {
  return OUTCOMES.length + index * POLICY_STRIDE;
}

export function cellCount(layout: CellsLayout): number {
  return OUTCOMES.length + layout.policies.length * POLICY_STRIDE;
}

export interface PolicyCells {
  latency: Histogram;
  /** Counts a reply of the policy by status. */
  countStatus(status: number): void;
}

export class ApiCells {
  readonly values: Float64Array;
  readonly policies: PolicyCells[];

  constructor(
    readonly layout: CellsLayout,
    readonly buffer: SharedArrayBuffer = new SharedArrayBuffer(cellCount(layout) * Float64Array.BYTES_PER_ELEMENT),
  ) {
    this.values = new Float64Array(buffer);
    this.policies = layout.policies.map((_, i) => policyCells(this.values, policyOffset(i)));
  }

  count(outcome: number): void {
    this.values[outcome] = (this.values[outcome] as number) + 1;
  }
}

function policyCells(values: Float64Array, offset: number): PolicyCells {
  const statuses = offset + HISTOGRAM_SIZE;
  return {
    latency: new Histogram(LATENCY_BUCKETS, values, offset),
    countStatus(status) {
      // Slots are (status, count) pairs filled in first-seen order; the last one counts the rest.
      for (let slot = 0; slot < STATUS_SLOTS; slot++) {
        const at = statuses + slot * 2;
        const code = values[at] as number;
        if (code === status || (slot === STATUS_SLOTS - 1 && code === OTHER_STATUS)) {
          values[at + 1] = (values[at + 1] as number) + 1;
          return;
        }
        if (code === 0) {
          values[at] = slot === STATUS_SLOTS - 1 ? OTHER_STATUS : status;
          values[at + 1] = 1;
          return;
        }
      }
    },
  };
}
