import { describe, expect, it } from 'vitest';
import type { ApiCounts, NodeCounts } from '../../src/alerts/counts.js';
import type { AlertDefinition } from '../../src/alerts/definitions.js';
import { AlertEvaluator, type AlertEvent } from '../../src/alerts/evaluator.js';

const alert = (over: Partial<AlertDefinition>): AlertDefinition => {
  const base = {
    name: 'a',
    type: 'request-count' as const,
    codes: [],
    severity: 'warning' as const,
    operator: 'greater' as const,
    threshold: 5,
    periods: 1,
    periodMs: 60_000,
    scope: 'node' as const,
    apis: ['orders'],
    notify: [],
    ...over,
  };
  const { notify: _n, ...rest } = base;
  return { ...base, identity: JSON.stringify(rest) };
};

const counts = (over: Partial<ApiCounts> = {}): ApiCounts => ({
  requests: 0,
  statuses: {},
  latencySumMs: 0,
  latencyCount: 0,
  rejections: {},
  ...over,
});

/** Drives an evaluator period by period with given cumulative readings per node (its timers are too slow for a test: periods are stepped by hand). */
function harness(definition: AlertDefinition) {
  let reading = new Map<string, NodeCounts>();
  const events: AlertEvent[] = [];
  const evaluator = new AlertEvaluator({ counts: async () => reading, onEvent: (e) => events.push(e), now: () => 0 });
  const step = async (next: Record<string, Partial<ApiCounts>>) => {
    reading = new Map(Object.entries(next).map(([node, c]) => [node, { orders: counts(c) }]));
    await (evaluator as unknown as { evaluate(r: unknown): Promise<void> }).evaluate(
      (evaluator as unknown as { running: Map<string, unknown> }).running.get(definition.name),
    );
  };
  return {
    evaluator,
    events,
    step,
    start: async (first: Record<string, Partial<ApiCounts>>) => {
      reading = new Map(Object.entries(first).map(([node, c]) => [node, { orders: counts(c) }]));
      evaluator.define([definition]);
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('alert evaluation', () => {
  it('fires after the consecutive periods, once, and resolves when a period no longer meets the condition', async () => {
    const h = harness(alert({ threshold: 5, periods: 2 }));
    await h.start({ n1: { requests: 0 } });
    await h.step({ n1: { requests: 10 } }); // 10 in the period: 1 of 2
    expect(h.events).toEqual([]);
    await h.step({ n1: { requests: 20 } }); // 10 again: fires
    await h.step({ n1: { requests: 30 } }); // still holds: nothing new
    expect(h.events.map((e) => [e.state, e.value])).toEqual([['firing', 10]]);
    await h.step({ n1: { requests: 32 } }); // 2: resolves
    expect(h.events.map((e) => [e.state, e.value])).toEqual([
      ['firing', 10],
      ['resolved', 2],
    ]);
    h.evaluator.close();
  });

  it('node scope judges each node alone; environment scope judges their sum', async () => {
    const node = harness(alert({ scope: 'node', threshold: 5 }));
    await node.start({ n1: {}, n2: {} });
    await node.step({ n1: { requests: 4 }, n2: { requests: 4 } });
    expect(node.events).toEqual([]);
    const env = harness(alert({ scope: 'environment', threshold: 5 }));
    await env.start({ n1: {}, n2: {} });
    await env.step({ n1: { requests: 4 }, n2: { requests: 4 } });
    expect(env.events.map((e) => [e.state, e.value, e.node])).toEqual([['firing', 8, undefined]]);
    node.evaluator.close();
    env.evaluator.close();
  });

  it('a node that restarted counts from zero; the periods after a restart are not negative', async () => {
    const h = harness(alert({ threshold: 5 }));
    await h.start({ n1: { requests: 100 } });
    await h.step({ n1: { requests: 7 } }); // restarted: 7 since
    expect(h.events.map((e) => e.value)).toEqual([7]);
    h.evaluator.close();
  });

  it('policy violations of one policy or all; response codes from the list; average response time; less and equal', async () => {
    const one = harness(alert({ type: 'policy-violation', policy: 'quota', threshold: 0 }));
    await one.start({ n1: {} });
    await one.step({ n1: { rejections: { quota: 0, login: 9 } } });
    expect(one.events).toEqual([]);
    await one.step({ n1: { rejections: { quota: 1, login: 9 } } });
    expect(one.events.map((e) => e.value)).toEqual([1]);
    const any = harness(alert({ type: 'policy-violation', threshold: 8 }));
    await any.start({ n1: {} });
    await any.step({ n1: { rejections: { quota: 1, login: 9 } } });
    expect(any.events.map((e) => e.value)).toEqual([10]);
    const codes = harness(alert({ type: 'response-code', codes: [500, 503], threshold: 2 }));
    await codes.start({ n1: {} });
    await codes.step({ n1: { statuses: { '200': 50, '500': 2, '503': 1, '404': 9 } } });
    expect(codes.events.map((e) => e.value)).toEqual([3]);
    const slow = harness(alert({ type: 'response-time', threshold: 100 }));
    await slow.start({ n1: {} });
    await slow.step({ n1: { latencySumMs: 0, latencyCount: 0 } }); // no request: nothing to judge
    await slow.step({ n1: { latencySumMs: 1500, latencyCount: 10 } });
    expect(slow.events.map((e) => e.value)).toEqual([150]);
    const quiet = harness(alert({ operator: 'less', threshold: 1 }));
    await quiet.start({ n1: {} });
    await quiet.step({ n1: { requests: 0 } });
    expect(quiet.events.map((e) => [e.state, e.value])).toEqual([['firing', 0]]);
    const exact = harness(alert({ operator: 'equal', threshold: 3 }));
    await exact.start({ n1: {} });
    await exact.step({ n1: { requests: 3 } });
    expect(exact.events.map((e) => e.value)).toEqual([3]);
    for (const h of [one, any, codes, slow, quiet, exact]) h.evaluator.close();
  });

  it('redefining an alert with the same condition keeps its state; a changed condition starts afresh', async () => {
    const definition = alert({ threshold: 5 });
    const h = harness(definition);
    await h.start({ n1: {} });
    await h.step({ n1: { requests: 10 } });
    h.evaluator.define([{ ...definition, notify: [{ webhook: 'http://other', format: 'json' }] }]);
    expect(h.evaluator.status()).toEqual([expect.objectContaining({ alert: 'a', state: 'firing' })]);
    h.evaluator.define([alert({ threshold: 50 })]);
    expect(h.evaluator.status()).toEqual([]);
    h.evaluator.close();
  });
});
