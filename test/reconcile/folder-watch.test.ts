import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { watchFolders } from '../../src/reconcile/folder-watch.js';
import { eventually } from '../helpers/wait.js';

describe('watchFolders', () => {
  let dir: string;
  let file: string;
  let watcher: ReturnType<typeof watchFolders> | undefined;
  /** What the file held each time onChange ran, read right away as a reconcile does. */
  let readByOnChange: string[];

  const watch = async (debounceMs: number) => {
    watcher = watchFolders({
      paths: [dir],
      debounceMs,
      onChange: () => void readFile(file, 'utf8').then((text) => readByOnChange.push(text)),
    });
    await watcher.ready;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-watch-'));
    file = path.join(dir, 'orders.yaml');
    await writeFile(file, 'limit: 0\n');
    readByOnChange = [];
  });
  afterEach(async () => {
    await watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs once per burst of saves', async () => {
    // A debounce far longer than five writes take even on a busy machine: they are one burst whatever the load.
    await watch(1_000);
    const started = performance.now();
    for (let i = 1; i <= 5; i++) await writeFile(file, `limit: ${i}\n`);
    const burstMs = performance.now() - started;
    await eventually(async () => readByOnChange.at(-1) === 'limit: 5\n', 10_000);
    // Past the re-check of the files the burst touched (100 ms after onChange): nothing changed since, so no second run.
    await new Promise((r) => setTimeout(r, 500));
    expect(burstMs, 'the writes took longer than the debounce: not one burst').toBeLessThan(1_000);
    expect(readByOnChange).toEqual(['limit: 5\n']);
  });

  // chokidar drops a change within 50 ms of the previous one on the same path: such a save must not be lost.
  it('sees a second save that comes right after the first one was handled', async () => {
    await watch(25);
    for (let i = 1; i <= 8; i++) {
      const count = readByOnChange.length;
      await writeFile(file, `limit: ${i}\n`);
      await eventually(async () => readByOnChange.length > count, 10_000, 2);
      await writeFile(file, `limit: ${i}\n# saved again\n`);
      await eventually(async () => readByOnChange.at(-1) === `limit: ${i}\n# saved again\n`, 10_000);
    }
  });
});

describe('watchFolders on a Kubernetes ConfigMap volume', () => {
  it('notices every atomic ..data swap, and the last read holds the last update', async () => {
    const { writeConfigMap } = await import('../helpers/configmap.js');
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-cm-watch-'));
    await writeConfigMap(dir, { 'orders.yaml': 'limit: 0\n', 'other.yaml': 'x: 1\n' });
    const reads: string[] = [];
    const watcher = watchFolders({
      paths: [dir],
      debounceMs: 25,
      onChange: () => void readFile(path.join(dir, 'orders.yaml'), 'utf8').then((t) => reads.push(t)),
    });
    try {
      await watcher.ready;
      for (let i = 1; i <= 3; i++) {
        await writeConfigMap(dir, { 'orders.yaml': `limit: ${i}\n`, 'other.yaml': 'x: 1\n' });
        await eventually(async () => reads.at(-1) === `limit: ${i}\n`, 10_000);
      }
    } finally {
      await watcher.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
