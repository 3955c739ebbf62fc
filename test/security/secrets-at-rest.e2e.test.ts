import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvironmentState } from '../../src/model/types.js';
import { hashSecret } from '../../src/secrets/hash.js';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { statusOf } from '../helpers/wait.js';

const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const login = (password: unknown) => policy('login', 'basic-auth', { username: 'ops', password, realm: 'r' });

describe('secrets at rest', () => {
  let upstream: TestUpstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => upstream.close());

  it('stores scrypt digests with a random salt per secret: no value in state.json, equal passwords unlike, the same value sealed once', async () => {
    const gw = await startGatewayProcess();
    try {
      const state = () =>
        environmentState(
          [
            api('one', upstream.url, [login('same-long-password')]),
            api('two', upstream.url, [login('same-long-password')]),
          ],
          [
            {
              name: 'app',
              clientId: 'app-id',
              clientSecret: 'app-client-secret',
              contracts: [{ api: 'one', version: 'v1' }],
            },
          ],
        );
      expect((await gw.applyState(state())).status).toBe(200);
      const file = await readFile(path.join(gw.stateDir, 'state.json'), 'utf8');
      expect(file).not.toContain('same-long-password');
      expect(file).not.toContain('app-client-secret');
      const persisted = (JSON.parse(file) as { state: EnvironmentState }).state;
      const [one, two] = persisted.apis.map((a) => a.chain[0]?.config.password) as [
        Record<string, unknown>,
        Record<string, unknown>,
      ];
      expect(one).toMatchObject({ kdf: 'scrypt', N: 16384, r: 8, p: 1 });
      expect(one.salt).not.toBe(two.salt);
      expect(one.hash).not.toBe(two.hash);
      expect(one.check).not.toBe(two.check);
      expect(persisted.applications[0]?.clientSecret).toMatchObject({ kdf: 'scrypt' });
      // Sending the same values again changes nothing: the stored digests are kept, not sealed anew.
      const again = await gw.applyState(state());
      expect(again.body).toMatchObject({ unchanged: true });
      expect(
        JSON.parse(await readFile(path.join(gw.stateDir, 'state.json'), 'utf8')).state.apis[0].chain[0].config.password,
      ).toEqual(one);
    } finally {
      await gw.stop();
    }
  });

  it('verifies each credential once; a changed password drops what was remembered of the old one', async () => {
    const gw = await startGatewayProcess();
    try {
      expect(
        (await gw.applyState(environmentState([api('orders', upstream.url, [login('first-password')])]))).status,
      ).toBe(200);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'first-password'))).toBe(200);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'first-password'))).toBe(200);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'wrong'))).toBe(401);
      expect(await statusOf(`${gw.url}/orders/x`, basic('other', 'first-password'))).toBe(401);
      expect(
        (await gw.applyState(environmentState([api('orders', upstream.url, [login('second-password')])]))).status,
      ).toBe(200);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'first-password'))).toBe(401);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'second-password'))).toBe(200);
    } finally {
      await gw.stop();
    }
  });

  it('digests of earlier versions (salted SHA-256) keep working after an upgrade until an apply rewrites them as scrypt', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-legacy-'));
    const legacy = environmentState([api('orders', upstream.url, [login(hashSecret('legacy-password'))])], [], {
      gatekeeper: 'disabled',
    });
    await writeFile(
      path.join(stateDir, 'state.json'),
      JSON.stringify({
        revision: 3,
        digest: 'sha256:old',
        source: undefined,
        state: legacy,
        savedAt: '2026-01-01T00:00:00.000Z',
      }),
    );
    const gw = await startGatewayProcess({ stateDir });
    try {
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'legacy-password'))).toBe(200);
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'wrong'))).toBe(401);
      expect(
        (
          await gw.applyState(
            environmentState([api('orders', upstream.url, [login('legacy-password')])], [], { gatekeeper: 'disabled' }),
          )
        ).status,
      ).toBe(200);
      expect((await gw.admin('GET', '/state')).body.state.apis[0].chain[0].config.password).toMatchObject({
        kdf: 'scrypt',
      });
      // What is on disk (the snapshot and the journal of changes since) holds the new digest, never the value.
      const onDisk =
        (await readFile(path.join(stateDir, 'state.json'), 'utf8')) +
        (await readFile(path.join(stateDir, 'state.journal'), 'utf8'));
      expect(onDisk).toContain('"kdf":"scrypt"');
      expect(onDisk).not.toContain('legacy-password');
      expect(await statusOf(`${gw.url}/orders/x`, basic('ops', 'legacy-password'))).toBe(200);
    } finally {
      await gw.stop();
    }
  });

  it('the sharedStorage URL is resolved by the gateway from its own environment and never persisted; a URL with a password is refused', async () => {
    const gw = await startGatewayProcess({ env: { MY_REDIS_URL: 'redis://user:redis-password@127.0.0.1:1' } });
    try {
      const refused = await gw.applyState(
        environmentState([api('orders', upstream.url)], [], {
          sharedStorage: 'redis://user:redis-password@127.0.0.1:1',
        }),
      );
      expect(refused.status).toBe(422);
      expect(refused.body.problems).toEqual([
        {
          path: '/environment/sharedStorage',
          message: expect.stringMatching(/holds a password: send it as a \$\{env:NAME\} reference/),
        },
      ]);
      expect(JSON.stringify(refused.body)).not.toContain('redis-password');
      const accepted = await gw.applyState(
        environmentState([api('orders', upstream.url)], [], { sharedStorage: '${env:MY_REDIS_URL}' }),
      );
      expect(accepted.status).toBe(200);
      expect(await readFile(path.join(gw.stateDir, 'state.json'), 'utf8')).not.toContain('redis-password');
      expect(JSON.stringify((await gw.admin('GET', '/status')).body)).not.toContain('redis-password');
      expect(gw.output()).not.toContain('redis-password');
      const unset = await gw.applyState(
        environmentState([api('orders', upstream.url)], [], { sharedStorage: '${env:NOT_SET_ANYWHERE}' }),
      );
      expect(unset.status).toBe(422);
      expect(unset.body.message).toMatch(/NOT_SET_ANYWHERE.*not set in the gateway's environment/);
    } finally {
      await gw.stop();
    }
  });
});
