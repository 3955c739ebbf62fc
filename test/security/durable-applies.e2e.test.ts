import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { rawRequest } from '../helpers/raw-http.js';

/** Revision n of the state tags every response with `x-revision: n`. */
const stateAt = (upstream: string, n: number) =>
  environmentState([
    api('tagged', upstream, [
      policy('tag', 'header-injection', {
        inboundHeaders: [],
        outboundHeaders: [{ key: 'x-revision', value: String(n) }],
      }),
    ]),
  ]);

describe('durable applies: an acknowledged transaction survives kill -9', () => {
  let upstream: TestUpstream;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(async () => upstream.close());

  it('after kill -9 at any moment, a restarted gateway serves the last acknowledged revision or a later one', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-durable-'));
    let acknowledged = 0;
    for (let round = 0; round < 6; round++) {
      const gw = await startGatewayProcess({ stateDir, args: ['--gatekeeper-grace', '0'] });
      const start = (await gw.admin('GET', '/state')).body.revision as number;
      expect(start).toBeGreaterThanOrEqual(acknowledged);
      if (acknowledged > 0)
        expect(Number((await rawRequest(gw.url, '/tagged/x')).headers['x-revision'])).toBeGreaterThanOrEqual(
          acknowledged,
        );
      // Transactions back to back; the process is killed while one is in flight, after a varying number of them.
      let revision = start;
      const killAfter = 3 + round * 4;
      for (let i = 0; ; i++) {
        const sent = gw.admin('POST', '/transactions', {
          expectedRevision: revision,
          state: stateAt(upstream.url, revision + 1),
        });
        if (i === killAfter) {
          // Somewhere inside the next transaction: before, during or after its write.
          await new Promise((resolve) => setTimeout(resolve, round % 3));
          gw.child.kill('SIGKILL');
          await sent.catch(() => undefined);
          break;
        }
        const answer = await sent;
        expect(answer.status).toBe(200);
        revision = answer.body.revision as number;
        acknowledged = revision;
      }
      await gw.stop();
    }
    expect(acknowledged).toBeGreaterThan(20);
  });

  it('temp files of interrupted writes are removed at start', async () => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-durable-'));
    await writeFile(path.join(stateDir, 'state.json.4242.tmp'), '{"half": ');
    await writeFile(path.join(stateDir, 'state.json.4242.7.tmp'), '{"half": ');
    const gw = await startGatewayProcess({ stateDir });
    try {
      expect((await readdir(stateDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await gw.stop();
    }
  });
});
