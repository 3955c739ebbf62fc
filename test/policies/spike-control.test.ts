import { describe, expect, it } from 'vitest';
import type { SpikeControlConfig } from '../../src/policies/spike-control/index.js';
import { create } from '../../src/policies/spike-control/runtime.js';
import { makeContext, send, type TestContext } from '../helpers/exchange.js';

function config(partial: Partial<SpikeControlConfig>): SpikeControlConfig {
  return { maximumRequests: 1, timePeriodInMilliseconds: 1000, delayTimeInMillis: 1000, delayAttempts: 1, queuingLimit: 0, exposeHeaders: false, ...partial };
}

/** Waits until the current epoch-aligned window has at least `margin` ms left, so a burst lands in one window. */
async function windowWithRoom(period: number, margin: number): Promise<void> {
  while (period - (Date.now() % period) < margin) await new Promise((r) => setTimeout(r, 2));
}

async function timed<T>(promise: Promise<T>): Promise<{ result: T; ms: number }> {
  const started = Date.now();
  const result = await promise;
  return { result, ms: Date.now() - started };
}

describe('spike-control', () => {
  it('delays a request over the limit and admits it on retry', async () => {
    const handlers = await create(config({ maximumRequests: 1, timePeriodInMilliseconds: 200, delayTimeInMillis: 250, delayAttempts: 1, queuingLimit: 1 }), makeContext().ctx);
    await windowWithRoom(200, 100);
    const first = await timed(send(handlers));
    const second = await timed(send(handlers));
    expect(first.result.status).toBe(200);
    expect(first.ms).toBeLessThan(50);
    expect(second.result.status).toBe(200);
    expect(second.ms).toBeGreaterThanOrEqual(240);
    expect(second.ms).toBeLessThan(600);
  });

  it('rejects at once when nothing may queue (queuingLimit 0)', async () => {
    const handlers = await create(config({ maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 250, queuingLimit: 0 }), makeContext().ctx);
    await windowWithRoom(60_000, 1000);
    const results = await timed(Promise.all([send(handlers), send(handlers), send(handlers)]));
    expect(results.result.map((r) => r.status).sort()).toEqual([200, 429, 429]);
    expect(results.ms).toBeLessThan(200);
  });

  it('queues up to queuingLimit requests and rejects the overflow', async () => {
    const handlers = await create(config({ maximumRequests: 1, timePeriodInMilliseconds: 100, delayTimeInMillis: 120, delayAttempts: 1, queuingLimit: 1 }), makeContext().ctx);
    await windowWithRoom(100, 60);
    const started = Date.now();
    const finished: { status: number; ms: number }[] = [];
    await Promise.all(
      [0, 1, 2].map(async () => {
        const result = await send(handlers);
        finished.push({ status: result.status, ms: Date.now() - started });
      }),
    );
    const statuses = finished.map((f) => f.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(2);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
    // The overflow is rejected at once; the queued one is admitted after its delay.
    expect(finished.find((f) => f.status === 429)?.ms).toBeLessThan(60);
    expect(finished[finished.length - 1]).toMatchObject({ status: 200 });
    expect(finished[finished.length - 1]?.ms).toBeGreaterThanOrEqual(110);
  });

  it('answers 429 once the delay attempts are exhausted, with limit headers when exposed', async () => {
    const handlers = await create(
      config({ maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 30, delayAttempts: 2, queuingLimit: 5, exposeHeaders: true }),
      makeContext().ctx,
    );
    await windowWithRoom(60_000, 1000);
    const first = await send(handlers);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
    const second = await timed(send(handlers));
    expect(second.result.status).toBe(429);
    expect(second.ms).toBeGreaterThanOrEqual(55);
    expect(second.result.headers).toMatchObject({ 'x-ratelimit-limit': '1', 'x-ratelimit-remaining': '0' });
    expect(Number(second.result.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    expect(second.result.body).toEqual({ error: 'rate limit exceeded' });
  });

  it('sends no limit headers unless exposeHeaders', async () => {
    const handlers = await create(config({ timePeriodInMilliseconds: 60_000, delayAttempts: 0 }), makeContext().ctx);
    await windowWithRoom(60_000, 1000);
    expect((await send(handlers)).headers['x-ratelimit-limit']).toBeUndefined();
    const rejected = await send(handlers);
    expect(rejected.status).toBe(429);
    expect(rejected.headers['x-ratelimit-limit']).toBeUndefined();
  });

  it('keeps the queue across a reload: a new instance sees the requests still waiting', async () => {
    const first: TestContext = makeContext();
    const settings = config({ maximumRequests: 1, timePeriodInMilliseconds: 60_000, delayTimeInMillis: 100, delayAttempts: 1, queuingLimit: 1 });
    const before = await create(settings, first.ctx);
    await windowWithRoom(60_000, 1000);
    expect((await send(before)).status).toBe(200);
    const waiting = send(before); // takes the only queue place
    const reloaded = await create(settings, makeContext({ counters: first.counters, kept: first.kept }).ctx);
    const overflow = await timed(send(reloaded));
    expect(overflow.result.status).toBe(429);
    expect(overflow.ms).toBeLessThan(50);
    expect((await waiting).status).toBe(429); // still over the minute's limit after its retry
  });
});
