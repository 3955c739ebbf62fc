import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { ReconcilerStatus } from '../../src/reconcile/status.js';
import {
  ADMIN_TOKEN,
  spawnCli,
  startGatewayProcess,
  type GatewayProcess,
  type LoggedProcess,
} from '../helpers/gateway-process.js';
import { createRepo } from '../helpers/git-repo.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { ordersManifests } from '../helpers/manifests.js';
import { eventually } from '../helpers/wait.js';

const manifests = (adminUrl: string, upstream: string, limit: number) =>
  ordersManifests({ environment: 'prod', adminUrl, upstream, limit });

/**
 * Long enough that a leader starved of CPU on a busy machine still renews in
 * time (renewals every third of it, the lease counted 80% of it): a shorter
 * lease let the follower take over while the leader was alive.
 */
const LEASE_TTL_MS = 4_000;
const LEASE_KEY = 'tollgate:{prod}:reconciler-leader';

interface Reconciler extends LoggedProcess {
  url: string;
  status(): Promise<ReconcilerStatus>;
}

describe('reconciler leadership through a Redis lease', () => {
  let redis: TestRedis;
  let upstream: TestUpstream;
  let gw: GatewayProcess;
  const procs: LoggedProcess[] = [];

  const reconciler = async (repoDir: string): Promise<Reconciler> => {
    const stateDir = await mkdtemp(path.join(tmpdir(), 'tollgate-lead-'));
    const proc = spawnCli(
      [
        'reconcile',
        '--env',
        'prod',
        '--git',
        repoDir,
        '--interval',
        '300ms',
        '--drift-interval',
        '0',
        '--listen',
        '127.0.0.1:0',
        '--state-dir',
        stateDir,
        '--leader-election',
        '${env:LEASE_REDIS}',
        '--lease-ttl',
        `${LEASE_TTL_MS}ms`,
      ],
      {
        GW_TOKEN: ADMIN_TOKEN,
        LEASE_REDIS: redis.url,
      },
    );
    procs.push(proc);
    const url = String((await proc.waitForLog((l) => l.msg === 'reconciler listening')).url);
    return {
      ...proc,
      url,
      status: async () => (await (await request(`${url}/status`)).body.json()) as ReconcilerStatus,
    };
  };

  beforeAll(async () => {
    [redis, upstream] = await Promise.all([startRedis(), startUpstream()]);
    gw = await startGatewayProcess();
  });
  afterEach(async () => {
    // One lease per environment: the next test starts with none held.
    await Promise.all(procs.splice(0).map((p) => p.stop('SIGTERM')));
  });
  // What beforeAll did not start (redis-server missing) is not there to stop.
  afterAll(async () => {
    await gw?.stop();
    await upstream?.close();
    await redis?.close();
  });

  it('two reconcilers: one leads and applies; kill it and the other takes over and applies the next commit', async () => {
    const repo = await createRepo();
    await repo.write('all.yaml', manifests(gw.adminUrl, upstream.url, 5));
    const first = repo.commit('initial');
    const a = await reconciler(repo.dir);
    const b = await reconciler(repo.dir);
    await eventually(async () => (await gw.admin('GET', '/state')).body.source?.revision === first);
    const [sa, sb] = await Promise.all([a.status(), b.status()]);
    const leaders = [sa, sb].filter((s) => s.leader?.isLeader);
    expect(leaders).toHaveLength(1);
    expect(sa.leader?.leader).toBe(sb.leader?.leader);
    const [leader, follower] = sa.leader?.isLeader ? [a, b] : [b, a];
    const followerStatus = await eventually(async () => {
      const s = await follower.status();
      return s.history.length > 0 && s;
    });
    expect(followerStatus.history.every((h) => h.result !== 'applied')).toBe(true);
    expect(followerStatus.conditions.find((c) => c.type === 'Ready')?.reason).toBe('Standby');
    // Exactly one transaction reached the gateway.
    expect((await gw.admin('GET', '/state')).body.revision).toBe(1);

    await leader.stop('SIGKILL');
    const killedAt = Date.now();
    await repo.write('all.yaml', manifests(gw.adminUrl, upstream.url, 9));
    const second = repo.commit('after the leader died');
    await eventually(async () => (await follower.status()).leader?.isLeader, 4 * LEASE_TTL_MS);
    // Once the dead leader's lease has run out, at the next attempt (every third of the TTL), with room for a busy machine.
    expect(Date.now() - killedAt).toBeLessThan(3 * LEASE_TTL_MS);
    await eventually(async () => (await gw.admin('GET', '/state')).body.source?.revision === second, 10_000);
    expect((await follower.status()).lastAppliedRevision).toBe(second);
  });

  it('a leader that shuts down cleanly hands over at once', async () => {
    const repo = await createRepo();
    await repo.write('all.yaml', manifests(gw.adminUrl, upstream.url, 11));
    repo.commit('initial');
    const a = await reconciler(repo.dir);
    await eventually(async () => (await a.status()).leader?.isLeader);
    const b = await reconciler(repo.dir);
    await eventually(async () => (await b.status()).leader?.leader !== undefined);
    expect((await b.status()).leader?.isLeader).toBe(false);
    const self = (await b.status()).leader?.self as string;
    expect(await a.stop('SIGTERM')).toBe(0);
    // Released on shutdown: the lease is gone (or already b's), not left to expire.
    expect([null, self]).toContain(await redis.client().get(LEASE_KEY));
    await eventually(async () => (await b.status()).leader?.isLeader, 2 * LEASE_TTL_MS);
  });
});
