import { mkdir, mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverManifestFiles } from '../../src/manifest/discover.js';
import { validatePaths } from '../../src/validate/index.js';
import { writeConfigMap } from '../helpers/configmap.js';
import { ordersManifests } from '../helpers/manifests.js';

const tmp = () => mkdtemp(path.join(tmpdir(), 'tollgate-links-'));

describe('manifest discovery follows links inside the folder (Kubernetes ConfigMap volumes)', () => {
  it('a ConfigMap mounted as a folder reads as the files it holds, under their link names', async () => {
    const dir = await tmp();
    await writeConfigMap(dir, {
      'orders.yaml': ordersManifests({ environment: 'dev', upstream: 'http://127.0.0.1:9/', limit: 5 }),
    });
    const result = await validatePaths([dir]);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.files).toEqual([path.join(dir, 'orders.yaml')]);
    expect(result.manifests.apis.map((a) => a.name)).toEqual(['orders']);
    // After an update (the ..data swap), the same names hold the new content.
    await writeConfigMap(dir, {
      'orders.yaml': ordersManifests({ environment: 'dev', upstream: 'http://127.0.0.1:9/', limit: 7 }),
    });
    const again = await validatePaths([dir]);
    expect(JSON.stringify(again.manifests.apis[0]?.spec.policies)).toContain('"maximumRequests":7');
    expect(again.digest).not.toBe(result.digest);
  });

  it('does not follow a link outside the folder unless asked, and says so', async () => {
    const outside = await tmp();
    await writeFile(
      path.join(outside, 'orders.yaml'),
      ordersManifests({ environment: 'dev', upstream: 'http://127.0.0.1:9/', limit: 5 }),
    );
    const dir = await tmp();
    await symlink(path.join(outside, 'orders.yaml'), path.join(dir, 'orders.yaml'));
    await symlink(outside, path.join(dir, 'shared'));
    const result = await validatePaths([dir]);
    expect(result.manifests.apis).toEqual([]);
    const skipped = result.diagnostics.filter((d) => d.code === 'TG_LINK_NOT_FOLLOWED');
    expect(skipped.map((d) => [d.file, d.severity])).toEqual([
      [path.join(dir, 'orders.yaml'), 'warning'],
      [path.join(dir, 'shared'), 'warning'],
    ]);
    expect(skipped[0]?.message).toContain('--follow-external-links');
    const followed = await validatePaths([dir], { followExternalLinks: true });
    // Both links lead to the same file: it is read once.
    expect(followed.files).toEqual([path.join(dir, 'orders.yaml')]);
    expect(followed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('a link loop ends, a link beside its target is read once, and a dangling manifest link is reported', async () => {
    const dir = await tmp();
    await mkdir(path.join(dir, 'apis'));
    await writeFile(path.join(dir, 'apis', 'orders.yaml'), 'a: 1\n');
    await symlink('..', path.join(dir, 'apis', 'up'));
    await symlink('orders.yaml', path.join(dir, 'apis', 'orders-again.yaml'));
    await symlink('gone.yaml', path.join(dir, 'missing.yaml'));
    await symlink('gone.txt', path.join(dir, 'missing.txt'));
    const { files, skippedLinks } = await discoverManifestFiles([dir]);
    expect(files).toEqual([path.join(dir, 'apis', 'orders-again.yaml')]);
    expect(skippedLinks.map((s) => [path.relative(dir, s.path), s.reason.split(',')[0]])).toEqual([
      ['apis/up', `a link back into ${dir}`],
      ['missing.yaml', 'a link that leads nowhere'],
    ]);
  });
});
