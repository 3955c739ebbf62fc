import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../../helpers/gateway-process.js';
import { api, environmentState, policy } from '../../helpers/state.js';
import { startUpstream, type TestUpstream } from '../../helpers/upstream.js';
import { statusOf } from '../../helpers/wait.js';

const protectedApi = (upstream: string) =>
  api('orders', upstream, [policy('login', 'basic-auth', { username: 'u', password: 'a-long-password' })]);

describe('gatekeeper across restarts', () => {
  let upstream: TestUpstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => upstream.close());

  // Reference: "flexible: also blocks after a restart until the control plane delivers the policies, but
  // falls back to the locally cached policies when the control plane cannot be reached."
  it('flexible: after a restart 503 until the control plane confirms the persisted state, then it serves', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-gk-'));
    const first = await startGatewayProcess({ stateDir });
    expect(await statusOf(`${first.url}/orders/x`)).toBe(503);
    expect(
      (await first.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'flexible' }))).status,
    ).toBe(200);
    expect(await statusOf(`${first.url}/orders/x`)).toBe(401);
    await first.stop();
    const second = await startGatewayProcess({ stateDir, args: ['--gatekeeper-grace', '10m'] });
    try {
      expect(await statusOf(`${second.url}/orders/x`)).toBe(503);
      // The persisted state is reported, so a plan finds nothing to change and confirms it.
      const digests = (await second.admin('GET', '/state/digests')).body;
      expect(digests).toMatchObject({ revision: 1, holding: true });
      expect(Object.keys(digests.fingerprints.apis)).toEqual(['orders']);
      const confirmed = await second.admin('POST', '/transactions', { expectedRevision: 1, changes: [] });
      expect(confirmed.body).toMatchObject({ revision: 1, unchanged: true });
      expect(await statusOf(`${second.url}/orders/x`)).toBe(401);
      expect((await second.admin('GET', '/state/digests')).body.holding).toBeUndefined();
    } finally {
      await second.stop();
    }
  });

  it('flexible: a control plane that is not reached within the grace period leaves the persisted state serving', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-gk-'));
    const first = await startGatewayProcess({ stateDir });
    await first.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'flexible' }));
    await first.stop();
    const second = await startGatewayProcess({ stateDir, args: ['--gatekeeper-grace', '1500ms'] });
    try {
      // The gateway's own clock tells the wait, whatever this machine's load does to the test's requests.
      const holding = await second.waitForLog((l) => l.msg === 'persisted state staged; waiting for the control plane');
      const serving = await second.waitForLog((l) => l.msg === 'gatekeeper flexible: serving the persisted state');
      expect(serving.reason).toBe('the control plane was not reached in time');
      expect(Number(serving.time) - Number(holding.time)).toBeGreaterThanOrEqual(1490);
      expect(await statusOf(`${second.url}/orders/x`)).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('strict: after a restart every API answers 503 until the control plane applies again', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-gk-'));
    const first = await startGatewayProcess({ stateDir });
    await first.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'strict' }));
    expect(await statusOf(`${first.url}/orders/x`)).toBe(401);
    await first.stop();
    const second = await startGatewayProcess({ stateDir });
    try {
      expect(await statusOf(`${second.url}/orders/x`)).toBe(503);
      const view = await second.admin('GET', '/state');
      expect(view.body.state).toBeUndefined();
      expect(view.body.revision).toBe(1);
      expect(
        (await second.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'strict' }))).status,
      ).toBe(200);
      expect(await statusOf(`${second.url}/orders/x`)).toBe(401);
    } finally {
      await second.stop();
    }
  });

  it('--gatekeeper overrides the persisted mode at start-up, either way', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-gk-'));
    const first = await startGatewayProcess({ stateDir });
    await first.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'flexible' }));
    await first.stop();
    const strict = await startGatewayProcess({ stateDir, args: ['--gatekeeper', 'strict'] });
    try {
      expect(await statusOf(`${strict.url}/orders/x`)).toBe(503);
      expect((await strict.admin('GET', '/state')).body.state).toBeUndefined();
      // Applied again, now with a strict state persisted.
      expect(
        (await strict.applyState(environmentState([protectedApi(upstream.url)], [], { gatekeeper: 'strict' }))).status,
      ).toBe(200);
    } finally {
      await strict.stop();
    }
    const flexible = await startGatewayProcess({
      stateDir,
      args: ['--gatekeeper', 'flexible', '--gatekeeper-grace', '0'],
    });
    try {
      expect(await statusOf(`${flexible.url}/orders/x`)).toBe(401);
    } finally {
      await flexible.stop();
    }
  });

  it('disabled: serves at once, without waiting for policies (unknown paths are 404, not 503)', async () => {
    const gw = await startGatewayProcess({ args: ['--gatekeeper', 'disabled'] });
    try {
      expect(await statusOf(`${gw.url}/orders/x`)).toBe(404);
    } finally {
      await gw.stop();
    }
  });

  it('a persisted policy that no longer compiles keeps only its API at 503', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-gk-'));
    const { writeFile, rm } = await import('node:fs/promises');
    const module = path.join(stateDir, 'allow-all.mjs');
    await writeFile(module, 'export function create() { return {}; }');
    const first = await startGatewayProcess({ stateDir });
    await first.applyState(
      environmentState([
        api('custom', upstream.url, [policy('mine', 'custom', { module })]),
        api('plain', upstream.url),
      ]),
    );
    expect(await statusOf(`${first.url}/custom/x`)).toBe(200);
    await first.stop();
    await rm(module);
    const second = await startGatewayProcess({ stateDir, args: ['--gatekeeper-grace', '0'] });
    try {
      expect(await statusOf(`${second.url}/custom/x`)).toBe(503);
      expect(await statusOf(`${second.url}/plain/x`)).toBe(200);
      const apis = (await second.admin('GET', '/status')).body.apis as { name: string; status: string }[];
      expect(apis.find((a) => a.name === 'custom')?.status).toBe('blocked');
    } finally {
      await second.stop();
    }
  });
});
