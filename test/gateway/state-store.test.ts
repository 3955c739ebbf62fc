import { appendFile, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../../src/model/types.js';
import { StateStore, changesBetween } from '../../src/gateway/state/state-store.js';
import { api, environmentState } from '../helpers/state.js';

const at = (revision: number, state: EnvironmentState) => ({
  revision,
  digest: `d${revision}`,
  source: undefined,
  state,
  savedAt: `t${revision}`,
});

describe('the state store: a snapshot and a journal of changes', () => {
  it('a one-API change is appended, not rewritten whole; a new store replays the journal over the snapshot', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-store-'));
    const store = new StateStore(dir);
    const first = environmentState([api('a', 'http://a'), api('b', 'http://b')]);
    await store.commit(at(1, first), undefined);
    const snapshot = await readFile(path.join(dir, 'state.json'), 'utf8');
    const second = { ...first, apis: [first.apis[0]!, api('b', 'http://b2')] };
    const changes = changesBetween(first, second);
    expect(changes).toEqual([{ op: 'put-api', api: second.apis[1] }]);
    await store.commit(at(2, second), changes);
    // The snapshot is untouched; the journal holds only b.
    expect(await readFile(path.join(dir, 'state.json'), 'utf8')).toBe(snapshot);
    expect(await readFile(path.join(dir, 'state.journal'), 'utf8')).toContain('"http://b2"');
    expect(await readFile(path.join(dir, 'state.journal'), 'utf8')).not.toContain('"http://a"');
    await store.close();
    const { persisted } = await new StateStore(dir).load();
    expect(persisted).toMatchObject({ revision: 2, digest: 'd2' });
    expect(persisted?.state).toEqual(JSON.parse(JSON.stringify(second)));
  });

  it('a torn last entry (a crash mid-append) is ignored: it was never acknowledged', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-store-'));
    const store = new StateStore(dir);
    const first = environmentState([api('a', 'http://a')]);
    await store.commit(at(1, first), undefined);
    const second = environmentState([api('a', 'http://a2')]);
    await store.commit(at(2, second), changesBetween(first, second));
    await store.close();
    await appendFile(path.join(dir, 'state.journal'), '{"revision":3,"digest":"d3","changes":[{"op":"delete-ap');
    const { persisted } = await new StateStore(dir).load();
    expect(persisted?.revision).toBe(2);
    expect(persisted?.state.apis.map((a) => a.upstream)).toEqual(['http://a2']);
  });

  it('folds the journal into a snapshot; entries the snapshot already holds are not replayed again', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-store-'));
    const store = new StateStore(dir);
    let state = environmentState([api('a', 'http://a0')]);
    await store.commit(at(1, state), undefined);
    for (let revision = 2; !store.wantsCompaction; revision++) {
      const next = environmentState([api('a', `http://a${revision}`)]);
      await store.commit(at(revision, next), changesBetween(state, next));
      state = next;
    }
    const journal = await readFile(path.join(dir, 'state.journal'), 'utf8');
    const revision = journal.trim().split('\n').length + 1;
    await store.snapshot(at(revision, state));
    expect(await readdir(dir)).toEqual(['state.json']);
    // A crash between the snapshot and emptying the journal: the journal's entries are all at or below the snapshot.
    await writeFile(path.join(dir, 'state.journal'), journal);
    const { persisted } = await new StateStore(dir).load();
    expect(persisted).toMatchObject({ revision, digest: `d${revision}` });
    expect(persisted?.state.apis[0]?.upstream).toBe(state.apis[0]?.upstream);
  });
});
