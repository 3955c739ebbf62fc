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

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-watch-'));
    file = path.join(dir, 'orders.yaml');
    await writeFile(file, 'limit: 0\n');
    readByOnChange = [];
    watcher = watchFolders({ paths: [dir], debounceMs: 25, onChange: () => void readFile(file, 'utf8').then((text) => readByOnChange.push(text)) });
    await watcher.ready;
  });
  afterEach(async () => {
    await watcher?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs once per burst of saves', async () => {
    for (let i = 1; i <= 5; i++) await writeFile(file, `limit: ${i}\n`);
    await eventually(async () => readByOnChange.at(-1) === 'limit: 5\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(readByOnChange.length).toBeLessThanOrEqual(2);
  });

  // chokidar drops a change within 50 ms of the previous one on the same path: such a save must not be lost.
  it('sees a second save that comes right after the first one was handled', async () => {
    for (let i = 1; i <= 8; i++) {
      const count = readByOnChange.length;
      await writeFile(file, `limit: ${i}\n`);
      await eventually(async () => readByOnChange.length > count, 2000, 2);
      await writeFile(file, `limit: ${i}\n# saved again\n`);
      await eventually(async () => readByOnChange.at(-1) === `limit: ${i}\n# saved again\n`, 2000);
    }
  });
});
