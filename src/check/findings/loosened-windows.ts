import type { Limit } from '../../manifest/types.js';

const UNITS: [number, string][] = [
  [86_400_000, 'day'],
  [3_600_000, 'hour'],
  [60_000, 'minute'],
  [1_000, 'second'],
];

/** 60000 → "minute", 120000 → "2 minutes", 1500 → "1500 ms". */
export function windowName(ms: number): string {
  for (const [size, unit] of UNITS) {
    if (ms % size !== 0) continue;
    const n = ms / size;
    return n === 1 ? unit : `${n} ${unit}s`;
  }
  return `${ms} ms`;
}

export interface LoosenedWindow {
  message: string;
  /** Index of the head limit concerned; undefined when the window was removed. */
  index?: number;
}

/**
 * Windows of a stack of limits that got loose: matched by length, a window
 * whose maximum grew by `factor` or more, or a window that is gone.
 */
export function loosenedWindows(before: readonly Limit[], after: readonly Limit[], factor: number): LoosenedWindow[] {
  const out: LoosenedWindow[] = [];
  for (const old of before) {
    const index = after.findIndex((l) => l.timePeriodInMilliseconds === old.timePeriodInMilliseconds);
    const window = windowName(old.timePeriodInMilliseconds);
    if (index === -1) {
      out.push({ message: `the per-${window} window (${old.maximumRequests} requests) was removed` });
      continue;
    }
    const raised = (after[index] as Limit).maximumRequests;
    if (raised >= old.maximumRequests * factor)
      out.push({
        index,
        message: `raised from ${old.maximumRequests} to ${raised} requests per ${window} (${ratio(raised / old.maximumRequests)}×)`,
      });
  }
  return out;
}

export function ratio(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
