import type { Logger } from 'pino';
import type { CompileServices } from '../gateway/chain/compile.js';
import { RuntimeStateStore } from '../gateway/chain/runtime-state.js';
import { MemoryCounterStore } from '../gateway/counters/memory.js';
import { MetricsRegistry } from '../gateway/metrics/registry.js';
import { UpstreamPools } from '../gateway/proxy/pools.js';
import type { PolicyClock } from '../policies/sdk/index.js';

/** What compiles chains outside a gateway (policy tests, replay), and releases what they hold. */
export interface IsolatedServices {
  services: CompileServices;
  close(): Promise<void>;
}

/**
 * Compile services of their own: every policy counts in this memory on this
 * clock (no shared storage, whatever clusterizable says), and the upstream
 * pool is never used (nothing is proxied).
 */
export function isolatedServices(logger: Logger, clock: PolicyClock, baseDir: string): IsolatedServices {
  const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
  const pools = new UpstreamPools();
  const services: CompileServices = {
    logger,
    counters: { forPolicy: () => counters },
    runtimeState: new RuntimeStateStore(),
    metrics: new MetricsRegistry(),
    pools,
    baseDir,
    clock,
  };
  return {
    services,
    async close() {
      counters.close();
      await pools.close();
    },
  };
}
