import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadPersistedState, persistState, type PersistedState } from '../../src/gateway/state/persistence.js';
import { api, environmentState, policy } from '../helpers/state.js';

describe('persisted state', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-persist-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const snapshot = (
    revision: number,
    apis = [
      api('orders', 'http://127.0.0.1:1', [
        policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] }),
      ]),
      api('users', 'http://127.0.0.1:2'),
    ],
  ): PersistedState => ({
    revision,
    digest: `sha256:${revision}`,
    source: { kind: 'folder', revision: `r${revision}` },
    state: environmentState(apis, [{ name: 'app', clientId: 'app-1', contracts: [{ api: 'orders', version: 'v1' }] }]),
    savedAt: '2026-11-24T00:00:00.000Z',
  });

  it('writes the JSON of the state, with or without a cache of API JSON, with or without a source', async () => {
    const cache = new WeakMap<object, string>();
    for (const value of [snapshot(1), { ...snapshot(2), source: undefined }]) {
      await persistState(dir, value, cache);
      expect(JSON.parse(await readFile(path.join(dir, 'state.json'), 'utf8'))).toStrictEqual(
        JSON.parse(JSON.stringify(value)),
      );
      expect(await loadPersistedState(dir)).toEqual(JSON.parse(JSON.stringify(value)));
    }
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('serializes a changed API again while unchanged ones come from the cache', async () => {
    const cache = new WeakMap<object, string>();
    const first = snapshot(1);
    await persistState(dir, first, cache);
    const [orders, users] = first.state.apis;
    if (!orders || !users) throw new Error('fixture');
    // A sentinel in place of users' cached JSON: it reaches state.json only if the cache is really used.
    cache.set(users, JSON.stringify({ ...users, upstream: 'http://sentinel.from-the-cache' }));
    const changedOrders = { ...orders, upstream: 'http://127.0.0.1:3' };
    const second = snapshot(2, [changedOrders, users]);
    await persistState(dir, second, cache);
    const loaded = await loadPersistedState(dir);
    expect(loaded?.state.apis.map((a) => a.upstream)).toEqual(['http://127.0.0.1:3', 'http://sentinel.from-the-cache']);
    // The changed API was serialized afresh, and its JSON is cached for the next write.
    expect(cache.get(changedOrders)).toBe(JSON.stringify(changedOrders));
  });
});
