import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/** `tollgate gateway --config DIR --env NAME` on a folder that defines two environments. */
describe('gateway --config with --env', () => {
  let upstream: TestUpstream;
  let dir: string;

  beforeAll(async () => {
    upstream = await startUpstream();
    dir = await mkdtemp(path.join(tmpdir(), 'tollgate-gw-env-'));
    const environment = (name: string) =>
      `apiVersion: tollgate.dev/v1\nkind: Environment\nmetadata: { name: ${name} }\nspec:\n  gatekeeper: strict\n---\n`;
    await writeFile(
      path.join(dir, 'all.yaml'),
      environment('dev') +
        environment('staging') +
        `apiVersion: tollgate.dev/v1\nkind: Api\nmetadata: { name: orders }\nspec:\n  version: v1\n  basePath: /orders\n  upstream: ${upstream.url}\n  environments: [dev, staging]\n  policies:\n    - name: tag\n      type: header-injection\n      config: { inboundHeaders: [{ key: X-Env, value: dev }] }\n  overrides:\n    staging:\n      policies:\n        tag: { config: { inboundHeaders: [{ key: X-Env, value: staging }] } }\n`,
    );
  });
  afterAll(async () => upstream.close());

  it('serves the environment it names', async () => {
    for (const env of ['dev', 'staging']) {
      const gw = await startGatewayProcess({ args: ['--config', dir, '--env', env] });
      try {
        await gw.waitForLog((l) => l.msg === 'reloaded');
        const res = await request(`${gw.url}/orders/x`);
        expect(res.statusCode).toBe(200);
        expect(((await res.body.json()) as { headers: Record<string, string> }).headers['x-env']).toBe(env);
      } finally {
        await gw.stop();
      }
    }
  });

  it('without --env, a folder of two environments is not served, and the log says why', async () => {
    const gw = await startGatewayProcess({ args: ['--config', dir] });
    try {
      const refused = await gw.waitForLog((l) => l.msg === 'manifests not applied; the last good state keeps serving');
      expect(refused.reason).toBe('the manifests define several environments (dev, staging): choose one with --env');
      const res = await request(`${gw.url}/orders/x`);
      expect(res.statusCode).toBe(503);
      await res.body.dump();
    } finally {
      await gw.stop();
    }
  });
});
