import { describe, expect, it } from 'vitest';
import type { SpikeControlConfig } from '../../src/policies/spike-control/index.js';
import { TestClock } from '../../src/policy-tests/test-clock.js';
import { compileChain, type ChainOptions } from '../helpers/chain.js';

function config(partial: Partial<SpikeControlConfig>): SpikeControlConfig {
  return {
    maximumRequests: 1,
    timePeriodInMilliseconds: 1000,
    delayTimeInMillis: 1000,
    delayAttempts: 1,
    queuingLimit: 0,
    exposeHeaders: false,
    clusterizable: true,
    failMode: 'open',
    ...partial,
  };
}

// Windows follow a test clock: a window ends when the test advances it, however busy the machine is.
const spikeControl = (partial: Partial<SpikeControlConfig>, options: ChainOptions = {}) =>
  compileChain({ type: 'spike-control', config: config(partial) }, { clock: new TestClock(), ...options });

async function timed<T>(promise: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await promise;
  return { result, ms: performance.now() - started };
}

describe('spike-control', () => {
  // Reference: "a sliding window"; "X-Ratelimit-Reset is 0 while quota remains".
  it('counts in a sliding window, and reports reset 0 while quota remains', async () => {
    const clock = new TestClock();
    const chain = await spikeControl(
      { maximumRequests: 2, timePeriodInMilliseconds: 1000, delayAttempts: 0, exposeHeaders: true },
      { clock },
    );
    expect((await chain.send()).headers).toMatchObject({
      'x-ratelimit-limit': '2',
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': '0',
    });
    clock.advance(600);
    expect((await chain.send()).headers).toMatchObject({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '400' });
    clock.advance(400);
    // The first admission left the window; the one of 600 ms ago is still in it.
    expect((await chain.send()).status).toBe(200);
    const full = await chain.send();
    expect(full.status).toBe(429);
    expect(full.headers['x-ratelimit-reset']).toBe('600');
  });

  it('delays a request over the limit and admits it on retry once the window has moved on', async () => {
    const clock = new TestClock();
    const chain = await spikeControl({ delayTimeInMillis: 100, delayAttempts: 1, queuingLimit: 1 }, { clock });
    expect((await chain.send()).status).toBe(200);
    // Its first try is decided before send returns: rejected in this window, so it waits.
    const second = timed(chain.send());
    clock.advance(1000);
    const { result, ms } = await second;
    expect(result.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(98);
  });

  it('rejects at once when nothing may queue (queuingLimit 0)', async () => {
    const chain = await spikeControl({ delayTimeInMillis: 10_000, queuingLimit: 0 });
    const results = await timed(Promise.all([chain.send(), chain.send(), chain.send()]));
    expect(results.result.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    // A request that waited would have taken the 10 s delay.
    expect(results.ms).toBeLessThan(5_000);
  });

  it('queues up to queuingLimit requests and rejects the overflow', async () => {
    const clock = new TestClock();
    const chain = await spikeControl({ delayTimeInMillis: 200, delayAttempts: 1, queuingLimit: 1 }, { clock });
    const started = performance.now();
    const finished: { status: number; ms: number }[] = [];
    const all = Promise.all(
      [0, 1, 2].map(async () => {
        const result = await chain.send();
        finished.push({ status: result.status, ms: performance.now() - started });
      }),
    );
    clock.advance(1000);
    await all;
    // The first is admitted, the overflow rejected at once, the queued one admitted after its delay, last.
    expect(finished.map((f) => f.status)).toEqual([200, 429, 200]);
    expect(finished[2]?.ms).toBeGreaterThanOrEqual(198);
  });

  it('answers 429 once the delay attempts are exhausted, with limit headers when exposed', async () => {
    const chain = await spikeControl({ delayTimeInMillis: 30, delayAttempts: 2, queuingLimit: 5, exposeHeaders: true });
    const first = await chain.send();
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
    const second = await timed(chain.send());
    expect(second.result.status).toBe(429);
    // Both delays were waited.
    expect(second.ms).toBeGreaterThanOrEqual(58);
    expect(second.result.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
    expect(Number(second.result.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(second.result.body).toEqual({ error: 'rate limit exceeded' });
  });

  it('sends no limit headers unless exposeHeaders', async () => {
    const chain = await spikeControl({ delayAttempts: 0 });
    expect((await chain.send()).headers['x-ratelimit-limit']).toBeUndefined();
    const rejected = await chain.send();
    expect(rejected.status).toBe(429);
    expect(rejected.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('keeps the queue across a reload: a new instance sees the requests still waiting', async () => {
    const clock = new TestClock();
    const settings = { delayTimeInMillis: 1000, delayAttempts: 1, queuingLimit: 1 };
    const before = await spikeControl(settings, { clock });
    expect((await before.send()).status).toBe(200);
    let waited = false;
    const waiting = before.send().then((r) => ((waited = true), r)); // takes the only queue place
    const reloaded = await spikeControl(settings, {
      clock,
      counters: before.counters,
      runtimeState: before.runtimeState,
    });
    const overflow = await reloaded.send();
    expect(overflow.status).toBe(429);
    // Rejected at once, while the queued request still waits its 1 s delay.
    expect(waited).toBe(false);
    expect((await waiting).status).toBe(429); // still over the window's limit after its retry
  });
});
