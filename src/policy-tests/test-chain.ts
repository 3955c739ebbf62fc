import { pino, type Logger } from 'pino';
import type { ApiState, ApplicationState } from '../model/types.js';
import { compileApi } from '../gateway/chain/compile.js';
import type { CompiledApi } from '../gateway/chain/compiled.js';
import { RuntimeStateStore } from '../gateway/chain/runtime-state.js';
import { MemoryCounterStore } from '../gateway/counters/memory.js';
import type { CounterSelection } from '../gateway/counters/selection.js';
import { MetricsRegistry } from '../gateway/metrics/registry.js';
import { UpstreamPools } from '../gateway/proxy/pools.js';
import type { TestClock } from './test-clock.js';

/** One Api compiled as the gateway compiles it, with counters of its own that live as long as one test. */
export interface TestChain {
  api: CompiledApi;
  logger: Logger;
  /** What policies logged as errors since the last call (e.g. why a request got a 500). */
  takeErrors(): string[];
  close(): Promise<void>;
}

/** `api` and `applications` must have their secrets resolved and sealed, as the gateway receives them. */
export async function compileTestChain(
  api: ApiState,
  applications: readonly ApplicationState[],
  clock: TestClock,
  baseDir: string,
): Promise<TestChain> {
  const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
  // The pool is created by the compiler but never used: the upstream is a stub.
  const pools = new UpstreamPools();
  // Only errors are kept: they explain a 500 in a failure message.
  let errors: string[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void errors.push(describeLogLine(line)) });
  // Every policy counts in the test's own memory: no shared storage, whatever clusterizable says.
  const selection: CounterSelection = { forPolicy: () => counters };
  const services = {
    logger,
    counters: selection,
    runtimeState: new RuntimeStateStore(),
    metrics: new MetricsRegistry(),
    pools,
    baseDir,
    clock,
  };
  try {
    const { compiled } = await compileApi(api, applications, 'policy-test', services);
    return {
      api: compiled,
      logger,
      takeErrors() {
        const taken = errors;
        errors = [];
        return taken;
      },
      async close() {
        for (const policy of compiled.policies) policy.handlers.dispose?.();
        counters.close();
        await pools.close();
      },
    };
  } catch (err) {
    counters.close();
    await pools.close();
    throw err;
  }
}

function describeLogLine(line: string): string {
  const record = JSON.parse(line) as { msg?: string; policy?: string; err?: string };
  return `${record.policy ? `policy "${record.policy}": ` : ''}${record.msg ?? 'error'}${record.err ? `: ${record.err}` : ''}`;
}
