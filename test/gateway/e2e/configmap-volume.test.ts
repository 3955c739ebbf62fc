import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeConfigMap } from '../../helpers/configmap.js';
import { startGatewayProcess, type GatewayProcess } from '../../helpers/gateway-process.js';
import { ordersManifests } from '../../helpers/manifests.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { eventually, statusOf } from '../../helpers/wait.js';

/** The manifests as Kubernetes mounts a ConfigMap: links into `..data`, updated by an atomic swap. */
describe('gateway --config --watch on a ConfigMap volume', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  let dir: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-configmap-'));
    await writeConfigMap(dir, {
      'orders.yaml': ordersManifests({ environment: 'dev', upstream: upstream.url, limit: 1 }),
    });
    gw = await startGatewayProcess({ args: ['--config', dir, '--watch'] });
    await gw.waitForLog((l) => l.msg === 'reloaded');
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it('serves the mounted manifests, and applies an update of the ConfigMap (the ..data swap)', async () => {
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(200);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(429);
    const revision = (await gw.admin('GET', '/state')).body.revision as number;
    await writeConfigMap(dir, {
      'orders.yaml': ordersManifests({ environment: 'dev', upstream: upstream.url, limit: 5 }),
    });
    await eventually(async () => (await gw.admin('GET', '/state')).body.revision === revision + 1);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(200);
    // A second update is noticed as well (the previous timestamped folder is gone by now).
    await writeConfigMap(dir, {
      'orders.yaml': ordersManifests({ environment: 'dev', upstream: upstream.url, limit: 2 }),
    });
    await eventually(async () => (await gw.admin('GET', '/state')).body.revision === revision + 2);
    expect(await statusOf(`${gw.url}/orders/a`)).toBe(429);
  });
});
