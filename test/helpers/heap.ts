import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/**
 * How far the live heap grows above where it stood at creation, sampled after
 * a full collection each time: what the code under test keeps while it runs,
 * not the garbage it happens to leave for the next collection.
 */
export class LiveHeapGrowth {
  private readonly base: number;
  peak = 0;

  constructor() {
    collectGarbage();
    this.base = process.memoryUsage().heapUsed;
  }

  sample(): void {
    collectGarbage();
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed - this.base);
  }
}
