import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { compileApi } from '../../src/gateway/chain/compile.js';
import { RuntimeStateStore } from '../../src/gateway/chain/runtime-state.js';
import { MemoryCounterStore } from '../../src/gateway/counters/memory.js';
import { MetricsRegistry } from '../../src/gateway/metrics/registry.js';
import { UpstreamPools } from '../../src/gateway/proxy/pools.js';
import { api, policy } from '../helpers/state.js';
import { makeExchange } from '../helpers/exchange.js';

async function compiled(conditional: boolean) {
  const pools = new UpstreamPools();
  const counters = new MemoryCounterStore({ sweepIntervalMs: 0 });
  const logging = policy('audit', 'message-logging', { message: '{{method}}', conditional, category: 'audit', level: 'INFO', logPoint: 'before' }, { rules: [{ methods: ['POST'] }] });
  const services = { logger: pino({ level: 'silent' }), counters, runtimeState: new RuntimeStateStore(), metrics: new MetricsRegistry(), pools, baseDir: process.cwd() };
  const { compiled } = await compileApi(api('orders', 'http://127.0.0.1:9', [logging]), [], 'key', services);
  await pools.close();
  return compiled.policies[0]!;
}

describe('chain compiler', () => {
  it('scopes a policy by its rules', async () => {
    const audit = await compiled(true);
    expect(audit.matches?.(makeExchange({ method: 'GET' }))).toBe(false);
    expect(audit.matches?.(makeExchange({ method: 'POST' }))).toBe(true);
  });

  it('lets message-logging with conditional: false log every request, whatever its rules', async () => {
    const audit = await compiled(false);
    expect(audit.matches).toBeUndefined();
  });
});
