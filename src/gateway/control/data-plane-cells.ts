import { countsOf, type NodeCounts } from '../../alerts/counts.js';
import type { StagedCells } from '../data-plane/runtime.js';
import { renderDataPlaneMetrics, type SharedCells } from '../metrics/render.js';

/**
 * The data plane's request counters, per API, in memory it shares with this
 * thread: metrics and alert counts are read here, with no call into its thread.
 */
export class DataPlaneCells {
  private readonly cells = new Map<string, SharedCells>();

  /** Takes the cells of the APIs a stage compiled, and drops those of the APIs it removed. */
  update(staged: readonly StagedCells[], removed: readonly string[]): void {
    for (const { layout, buffer } of staged) this.cells.set(layout.api, { layout, values: new Float64Array(buffer) });
    for (const name of removed) this.cells.delete(name);
  }

  /** What the data plane counted per API: what alerts compare period after period. */
  counts(): NodeCounts {
    return countsOf(this.cells.values());
  }

  /** The data plane's request metrics (Prometheus text). */
  metrics(): string {
    return renderDataPlaneMetrics(this.cells.values());
  }
}
