/**
 * A Prometheus histogram with fixed buckets, in seconds, over `buckets.length + 2`
 * numbers of a Float64Array (per-bucket counts, then sum and count): its own
 * array by default, or a slice of shared memory another thread renders.
 */
export class Histogram {
  private readonly values: Float64Array;
  private readonly offset: number;

  constructor(
    readonly buckets: readonly number[],
    values?: Float64Array,
    offset = 0,
  ) {
    this.values = values ?? new Float64Array(buckets.length + 2);
    this.offset = offset;
  }

  observe(seconds: number): void {
    const v = this.values;
    const at = this.offset;
    const b = this.buckets;
    v[at + b.length] = (v[at + b.length] as number) + seconds;
    v[at + b.length + 1] = (v[at + b.length + 1] as number) + 1;
    for (let i = 0; i < b.length; i++) {
      if (seconds <= (b[i] as number)) {
        v[at + i] = (v[at + i] as number) + 1;
        return;
      }
    }
  }

  get count(): number {
    return this.values[this.offset + this.buckets.length + 1] as number;
  }

  render(name: string, labels: string): string[] {
    return renderHistogram(name, labels, this.buckets, this.values, this.offset);
  }
}

/** The `_bucket`, `_sum` and `_count` lines of a histogram stored at `offset` of `values`. */
export function renderHistogram(
  name: string,
  labels: string,
  buckets: readonly number[],
  values: Float64Array,
  offset: number,
): string[] {
  const lines: string[] = [];
  let cumulative = 0;
  buckets.forEach((le, i) => {
    cumulative += values[offset + i] as number;
    lines.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
  });
  const count = values[offset + buckets.length + 1] as number;
  lines.push(
    `${name}_bucket{${labels},le="+Inf"} ${count}`,
    `${name}_sum{${labels}} ${values[offset + buckets.length] as number}`,
    `${name}_count{${labels}} ${count}`,
  );
  return lines;
}
