import { pino } from 'pino';
import { compileApi } from '../../src/gateway/chain/compile.js';
import type { CompiledApi } from '../../src/gateway/chain/compiled.js';
import { RuntimeStateStore } from '../../src/gateway/chain/runtime-state.js';
import type { Exchange, PolicyHandlers } from '../../src/policies/sdk/index.js';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import type { CounterStore } from '../../src/policies/sdk/index.js';
import { MetricsRegistry } from '../../src/gateway/metrics/registry.js';
import { UpstreamPools } from '../../src/gateway/proxy/pools.js';
import type { PolicyType, Rule } from '../../src/manifest/types.js';
import type { ApiState, ApplicationState } from '../../src/model/types.js';
import { sendExchange, type Exchanged } from '../../src/policy-tests/send.js';
import type { TestClock } from '../../src/policy-tests/test-clock.js';
import type { TestUpstream } from '../../src/policy-tests/types.js';
import { makeExchange, type ExchangeInit } from './exchange.js';

/**
 * Policy unit tests run through the chain the gateway runs: the chain compiler
 * (src/gateway/chain/compile.ts: rules, disabled policies, factories) and the
 * request and response passes as `tollgate test` drives them
 * (src/policy-tests/send.ts), never through a runner of the tests' own.
 */

/** One policy as the gateway holds it: config with its defaults, secrets sealed. */
export interface PolicySpec {
  type: PolicyType;
  config: object;
  /** Defaults to the type. */
  name?: string;
  rules?: Rule[];
  enabled?: boolean;
}

export interface ChainOptions {
  /** The Api around the chain: name (orders), version (v1), SLA tiers. */
  api?: Partial<Omit<ApiState, 'chain'>>;
  /** Applications of the environment; those with a contract for this Api version reach the policies. */
  applications?: ApplicationState[];
  /** Give a second chain the first one's counters and runtime state to compile it as a reload would. */
  counters?: CounterStore;
  runtimeState?: RuntimeStateStore;
  /** Counters count at this clock's time instead of the wall clock's. */
  clock?: TestClock;
  baseDir?: string;
  logLevel?: string;
}

/** One parsed pino line. */
export type LogRecord = Record<string, unknown> & { level: number; msg?: string };

export interface TestChain {
  compiled: CompiledApi;
  /** The handlers the compiler built for the policy at `index` of the compiled (enabled) chain. */
  handlers(index?: number): PolicyHandlers;
  /** One request through the chain: a request description, or an Exchange of the test's own. */
  send(request?: ExchangeInit | Exchange, upstream?: TestUpstream): Promise<Exchanged>;
  counters: CounterStore;
  runtimeState: RuntimeStateStore;
  /** Every line the policies' logger wrote, raw. */
  lines: string[];
  records(): LogRecord[];
}

export async function compileChain(
  policies: PolicySpec | PolicySpec[],
  options: ChainOptions = {},
): Promise<TestChain> {
  const specs = Array.isArray(policies) ? policies : [policies];
  const api: ApiState = {
    name: 'orders',
    version: 'v1',
    basePath: '/orders',
    upstream: 'http://127.0.0.1:9',
    timeoutMs: 5000,
    slaTiers: [],
    ...options.api,
    chain: specs.map((p) => ({
      name: p.name ?? p.type,
      type: p.type,
      enabled: p.enabled ?? true,
      origin: 'api',
      config: p.config as Record<string, unknown>,
      ...(p.rules ? { rules: p.rules } : {}),
    })),
  };
  const lines: string[] = [];
  const logger = pino({ level: options.logLevel ?? 'debug' }, { write: (line: string) => void lines.push(line) });
  const counters = options.counters ?? new MemoryCounterStore({ sweepIntervalMs: 0 });
  const runtimeState = options.runtimeState ?? new RuntimeStateStore();
  // The compiler picks an upstream pool; nothing is ever sent to it.
  const pools = new UpstreamPools();
  const services = {
    logger,
    counters,
    runtimeState,
    metrics: new MetricsRegistry(),
    pools,
    baseDir: options.baseDir ?? process.cwd(),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const { compiled } = await compileApi(api, options.applications ?? [], 'unit-test', services);
  await pools.close();
  let reported = 0;
  const takeErrors = () => {
    const errors = lines.slice(reported).filter((line) => (JSON.parse(line) as LogRecord).level >= 50);
    reported = lines.length;
    return errors;
  };
  return {
    compiled,
    handlers: (index = 0) => {
      const policy = compiled.policies[index];
      if (!policy) throw new Error(`no compiled policy at ${index}`);
      return policy.handlers;
    },
    send: (request = {}, upstream) =>
      sendExchange(
        { api: compiled, logger, takeErrors },
        isExchange(request) ? request : makeExchange(request),
        upstream,
      ),
    counters,
    runtimeState,
    lines,
    records: () => lines.map((line) => JSON.parse(line) as LogRecord),
  };
}

function isExchange(value: ExchangeInit | Exchange): value is Exchange {
  return typeof (value as Exchange).readBody === 'function';
}
