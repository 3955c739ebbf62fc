import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRecords, REORDER_WINDOW_MS } from '../../src/replay/read-records.js';
import type { ReplayRecord } from '../../src/replay/records.js';
import { VirtualClock } from '../../src/replay/virtual-clock.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0, 0);
const line = (time: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    time: new Date(time).toISOString(),
    environment: 'prod',
    node: 'n1',
    api: 'orders',
    method: 'GET',
    path: '/orders/1',
    status: 200,
    latencyMs: 1,
    bytes: 2,
    clientIp: '10.0.0.1',
    policies: [],
    ...extra,
  });

async function files(contents: Record<string, string>): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-records-'));
  return Promise.all(
    Object.entries(contents).map(async ([name, text]) => {
      const file = path.join(dir, name);
      await writeFile(file, text);
      return file;
    }),
  );
}

async function all(stream: AsyncIterable<ReplayRecord>): Promise<ReplayRecord[]> {
  const out: ReplayRecord[] = [];
  for await (const r of stream) out.push(r);
  return out;
}

describe('reading access records', () => {
  it('merges the files of several nodes into one stream in time order', async () => {
    const [a, b] = await files({
      'a.ndjson': [line(T0), line(T0 + 20, { path: '/orders/a20' }), line(T0 + 40)].join('\n') + '\n',
      'b.ndjson': [line(T0 + 10, { node: 'n2' }), line(T0 + 30, { node: 'n2' })].join('\n'),
    });
    const stream = readRecords([a!, b!]);
    const times = (await all(stream.records)).map((r) => r.time - T0);
    expect(times).toEqual([0, 10, 20, 30, 40]);
  });

  it('puts back in order a record written after later ones (a slow response), and keeps arrival order within a millisecond', async () => {
    const [file] = await files({
      'a.ndjson': [
        line(T0 + 5, { path: '/first' }),
        line(T0 + 5, { path: '/second' }),
        line(T0 + 9),
        line(T0 + 1, { path: '/slow' }),
      ].join('\n'),
    });
    const records = await all(readRecords([file!]).records);
    expect(records.map((r) => r.path)).toEqual(['/slow', '/first', '/second', '/orders/1']);
  });

  it('replays a record later than the reorder window at the time the replay already reached, and counts it', async () => {
    const [file] = await files({
      'a.ndjson': [
        line(T0),
        line(T0 + REORDER_WINDOW_MS + 1000),
        line(T0 + 2 * REORDER_WINDOW_MS + 2000),
        line(T0 + 500, { path: '/very-late' }),
      ].join('\n'),
    });
    const stream = readRecords([file!]);
    const records = await all(stream.records);
    expect(records.map((r) => r.time - T0)).toEqual([
      0,
      REORDER_WINDOW_MS + 1000,
      REORDER_WINDOW_MS + 1000,
      2 * REORDER_WINDOW_MS + 2000,
    ]);
    expect(stream.late()).toBe(1);
  });

  it('skips lines that are not records, naming file and line; blank lines are not problems', async () => {
    const [file] = await files({
      'a.ndjson': [
        line(T0),
        '',
        'not json',
        '[1]',
        line(T0, { time: 'yesterday' }),
        line(T0, { status: '200' }),
        line(T0, { client: { id: 'acme' } }),
        line(T0 + 1),
      ].join('\n'),
    });
    const stream = readRecords([file!]);
    expect(await all(stream.records)).toHaveLength(2);
    expect(stream.skipped()).toBe(5);
    expect(stream.problems.map((p) => `${path.basename(p.file)}:${p.line} ${p.message}`)).toEqual([
      'a.ndjson:3 not JSON',
      'a.ndjson:4 not a JSON object',
      'a.ndjson:5 "time" is not a date',
      'a.ndjson:6 "status" is not a status code',
      'a.ndjson:7 "client" is not {id, verified}',
    ]);
  });

  it('keeps what replay needs: environment, identities, the answering policy, Origin and X-Forwarded-For; never more', async () => {
    const [file] = await files({
      'a.ndjson': line(T0, {
        client: { id: 'acme', verified: true },
        principal: 'ops',
        answeredBy: 'quota',
        status: 429,
        origin: 'https://shop.example',
        forwardedFor: '203.0.113.9',
        latencyMs: 3,
      }),
    });
    const [record] = await all(readRecords([file!]).records);
    expect(record).toEqual({
      time: T0,
      environment: 'prod',
      api: 'orders',
      method: 'GET',
      path: '/orders/1',
      status: 429,
      clientIp: '10.0.0.1',
      client: { id: 'acme', verified: true },
      principal: 'ops',
      answeredBy: 'quota',
      origin: 'https://shop.example',
      forwardedFor: '203.0.113.9',
    });
  });
});

describe('the virtual clock', () => {
  it('wakes sleepers in time order at their own time as it moves past them, never going back', async () => {
    const clock = new VirtualClock(1000);
    const woke: string[] = [];
    const sleeper = async (name: string, ms: number, again?: number) => {
      await clock.sleep(ms);
      woke.push(`${name}@${clock.now()}`);
      if (again !== undefined) {
        await clock.sleep(again);
        woke.push(`${name}-again@${clock.now()}`);
      }
    };
    void sleeper('b', 200);
    void sleeper('a', 100, 50);
    void sleeper('c', 200);
    await clock.advanceTo(1180);
    expect(woke).toEqual(['a@1100', 'a-again@1150']);
    expect(clock.now()).toBe(1180);
    await clock.advanceTo(1500);
    expect(woke).toEqual(['a@1100', 'a-again@1150', 'b@1200', 'c@1200']);
    clock.set(1400);
    expect(clock.now()).toBe(1500);
  });
});
