import { mkdtemp, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManifestFileCache } from '../../src/manifest/file-cache.js';
import { loadManifests } from '../../src/manifest/load.js';

const api = (name: string) => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: ${name} }
spec: { version: v1, basePath: /${name}, upstream: "http://127.0.0.1:9", environments: [dev] }
`;

describe('the manifest file cache', () => {
  it('an old file whose stat did not change is not parsed again; one rewritten with the same size and mtime is', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-file-cache-'));
    const file = path.join(dir, 'apis.yaml');
    const old = new Date(Date.now() - 60_000);
    await writeFile(file, api('aaaa'));
    await utimes(file, old, old);
    // Its stat trusted at once: the change time alone must tell the edit below.
    const cache = new ManifestFileCache(0);
    const first = await loadManifests([dir], cache);
    const again = await loadManifests([dir], cache);
    expect(again.manifests.apis[0]).toBe(first.manifests.apis[0]);
    // Same size, mtime set back: only the change time (which no one can set) tells the edit apart.
    const before = await stat(file);
    await writeFile(file, api('bbbb'));
    await utimes(file, old, old);
    const after = await stat(file);
    expect([after.size, after.mtimeMs]).toEqual([before.size, before.mtimeMs]);
    const edited = await loadManifests([dir], cache);
    expect(edited.manifests.apis.map((a) => a.name)).toEqual(['bbbb']);
  });

  it('a file changed moments ago is compared by its bytes, whatever its stat says', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tollgate-file-cache-'));
    const file = path.join(dir, 'apis.yaml');
    await writeFile(file, api('cccc'));
    const cache = new ManifestFileCache();
    const first = await loadManifests([dir], cache);
    const stamp = await stat(file);
    expect(
      cache.unchanged({ file, size: stamp.size, mtimeMs: stamp.mtimeMs, ctimeMs: stamp.ctimeMs, ino: stamp.ino }),
    ).toBeUndefined();
    expect((await loadManifests([dir], cache)).manifests.apis[0]).toBe(first.manifests.apis[0]);
  });
});
