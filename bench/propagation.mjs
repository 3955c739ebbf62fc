#!/usr/bin/env node
// bench/propagation: how long a change takes to be enforced.
//
//   file save     embedded mode (`tollgate gateway --config <dir> --watch`, what npm start runs):
//                 from writeFile() of a manifest to the first response that shows the new policy
//   commit+hook   `tollgate reconcile --git <repo>` in front of a gateway process: from the end of
//                 `git commit` to the first response that shows the new policy, the reconciler
//                 told by a signed webhook (poll interval 1h, so only the webhook can trigger it)
//   baseline      the same gateway, changed straight through its admin API (POST /transactions),
//                 measured in the same run: the floor both paths above are compared with
//
// The policy changed each trial is an outbound header-injection value; a client polls over a
// keep-alive connection until the response carries it. The first --warmup trials of each path are
// the first changes after start-up (the control side's code not yet optimized: about 3× a later
// one); they are reported apart, as "first", and the figures are over the --trials after them.
// Targets: file save p95 < 150 ms (debounce included), commit + webhook p95 < 1 s. Exits 1 when a
// target is MISSED.
//
// Usage: npm run build && node bench/propagation.mjs [--trials 50] [--warmup 3] [--apis 5000]
//        (--apis 0: a folder of one API)
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { numberFlags } from './lib/args.mjs';
import { jsonLine, startChild, stopChild, waitForLine } from './lib/proc.mjs';
import { fmt, formatTable, quantile } from './lib/table.mjs';
import { ADMIN_TOKEN, ROOT, admin, startUpstream } from './lib/targets.mjs';
import { repositorySecrets } from './lib/repo-secrets.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import { generateRepo } from './generate-repo.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const { trials, warmup, apis } = numberFlags({ trials: 50, warmup: 3, apis: 5000 });
const SECRET = 'bench-webhook-secret';
const BIN = path.join(ROOT, 'bin/tollgate.js');

const environment = (adminUrl) => `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: bench }
spec:
  nodes: [{ name: gw, adminUrl: "${adminUrl}", token: "\${env:BENCH_TOKEN}" }]
`;
const api = (upstream, value, env = 'bench') => `apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: ${upstream}
  environments: [${env}]
  policies:
    - name: limit
      type: rate-limiting
      config: { rateLimits: [{ maximumRequests: 1000000000, timePeriodInMilliseconds: 1000 }] }
    - name: revision
      type: header-injection
      config: { outboundHeaders: [{ key: X-Revision, value: "${value}" }] }
`;

function gateway(args, env = {}) {
  return startChild(
    'tollgate',
    process.execPath,
    [BIN, 'gateway', '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', ...args],
    { env: { TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN, ...env } },
  );
}

function listening(child) {
  return waitForLine(child, jsonLine('gateway listening'), 15_000);
}

/**
 * Polls the gateway every millisecond until the response carries `value`; returns the time it was
 * first seen. Not in a tight loop: on 2 cores, a client polling flat out and the gateway thread
 * answering it take both cores from the control side whose work is being timed (the control worker
 * runs below the data plane's priority, so requests win), and the figure would measure that contention.
 */
async function seen(pool, value, timeoutMs = 10_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const res = await pool.request({ path: '/orders/x', method: 'GET' });
    await res.body.dump();
    if (res.headers['x-revision'] === value) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`value ${value} never showed up`);
}

/** The figures over the trials after the warm-up; `first`: the first change after start-up. */
const summary = (name, samples) => {
  const sorted = samples.slice(warmup).sort((a, b) => a - b);
  return {
    name,
    n: sorted.length,
    first: samples[0],
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: sorted.at(-1),
  };
};

const work = await makeTmpDir('tollgate-bench-propagation-');
const upstream = await startUpstream();
const results = [];
try {
  // 1. File save, embedded mode.
  // With --apis N (default 5,000), the folder also holds a generated repository of N APIs: every save is
  // read, validated (every rule, every API), planned and applied as in a real repository of that size.
  const folder = path.join(work, 'folder');
  await mkdir(folder, { recursive: true });
  let embeddedEnv = {};
  let orders = (value) => api(upstream.url, value);
  let envArgs = [];
  if (apis > 0) {
    await generateRepo(folder, { apis });
    embeddedEnv = await repositorySecrets(folder, 'sandbox');
    orders = (value) => api(upstream.url, value, 'sandbox');
    envArgs = ['--env', 'sandbox'];
  } else {
    await writeFile(path.join(folder, 'environment.yaml'), environment('http://127.0.0.1:1'));
  }
  await writeFile(path.join(folder, 'orders.yaml'), orders('start'));
  const embedded = gateway(
    ['--config', folder, '--watch', ...envArgs, '--state-dir', path.join(work, 'state-embedded')],
    embeddedEnv,
  );
  const line = await listening(embedded);
  const pool = new Pool(line.url, { connections: 1 });
  // A first apply seals every secret of the repository (scrypt): minutes at 5,000 APIs on 2 cores.
  await seen(pool, 'start', 600_000);
  const save = [];
  for (let i = 0; i < warmup + trials; i++) {
    const value = `save-${i}`;
    const t0 = performance.now();
    await writeFile(path.join(folder, 'orders.yaml'), orders(value));
    save.push((await seen(pool, value)) - t0);
    await new Promise((r) => setTimeout(r, 30));
  }
  results.push(
    summary(`file save → enforced (embedded, ${apis > 0 ? `${apis.toLocaleString('en-US')} APIs` : 'one API'})`, save),
  );

  // 2. Baseline: the same gateway, changed through its admin API.
  const direct = [];
  for (let i = 0; i < warmup + trials; i++) {
    const value = `direct-${i}`;
    const live = (await admin(line.adminUrl, 'GET', '/state')).body;
    const t0 = performance.now();
    const orders = live.state.apis.find((a) => a.name === 'orders');
    orders.chain.find((p) => p.name === 'revision').config.outboundHeaders[0].value = value;
    const res = await admin(line.adminUrl, 'POST', '/transactions', {
      expectedRevision: live.revision,
      changes: [{ op: 'put-api', api: orders }],
    });
    if (res.status !== 200) throw new Error(`admin apply failed: ${JSON.stringify(res.body)}`);
    direct.push((await seen(pool, value)) - t0);
  }
  results.push(summary('admin API transaction → enforced (baseline)', direct));
  await pool.close();
  await stopChild(embedded);

  // 3. Commit + webhook: reconcile from git to a separate gateway process.
  const remote = gateway(['--state-dir', path.join(work, 'state-remote')]);
  const remoteLine = await listening(remote);
  const repo = path.join(work, 'repo');
  const git = (...args) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  git('config', 'user.email', 'bench@tollgate.dev');
  git('config', 'user.name', 'bench');
  await writeFile(path.join(repo, 'environment.yaml'), environment(remoteLine.adminUrl));
  await writeFile(path.join(repo, 'orders.yaml'), api(upstream.url, 'start'));
  git('add', '-A');
  git('commit', '-q', '-m', 'start');
  const reconciler = startChild(
    'reconcile',
    process.execPath,
    [
      BIN,
      'reconcile',
      '--env',
      'bench',
      '--git',
      repo,
      '--interval',
      '1h',
      '--drift-interval',
      '0',
      '--listen',
      '127.0.0.1:0',
      '--state-dir',
      path.join(work, 'state-reconcile'),
    ],
    {
      env: { BENCH_TOKEN: ADMIN_TOKEN, TOLLGATE_WEBHOOK_SECRET: SECRET },
    },
  );
  const rc = await waitForLine(reconciler, jsonLine('reconciler listening'), 15_000);
  const remotePool = new Pool(remoteLine.url, { connections: 1 });
  await seen(remotePool, 'start', 20_000);
  const hook = [];
  for (let i = 0; i < warmup + trials; i++) {
    const value = `commit-${i}`;
    await writeFile(path.join(repo, 'orders.yaml'), api(upstream.url, value));
    git('commit', '-q', '-am', value);
    const t0 = performance.now();
    // As GitHub sends it: each push names its commit, each delivery has its own id (replays are ignored).
    const payload = JSON.stringify({ ref: 'refs/heads/main', after: git('rev-parse', 'HEAD') });
    const signature = `sha256=${createHmac('sha256', SECRET).update(payload).digest('hex')}`;
    const res = await fetch(`${rc.url}/hooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'push',
        'x-github-delivery': `bench-${i}`,
        'x-hub-signature-256': signature,
      },
      body: payload,
    });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}`);
    hook.push((await seen(remotePool, value)) - t0);
  }
  results.push(summary('commit + webhook → enforced (reconcile)', hook));
  await remotePool.close();
  await stopChild(reconciler);
  await stopChild(remote);
} finally {
  await upstream.stop();
}

const base = results.find((r) => r.name.includes('baseline'));
console.log(
  `\nbench/propagation — ${trials} trials each, after ${warmup} warm-up; node ${process.version}, ${os.cpus().length} cores (shared machine)\n`,
);
console.log(
  formatTable(
    results.map((r) => ({ ...r, ratio: r.median / base.median })),
    [
      { key: 'name', title: 'path', align: 'left' },
      { key: 'first', title: 'first', format: fmt.ms },
      { key: 'median', title: 'median', format: fmt.ms },
      { key: 'p95', title: 'p95', format: fmt.ms },
      { key: 'max', title: 'max', format: fmt.ms },
      { key: 'ratio', title: 'median ÷ baseline', format: fmt.ratio },
    ],
  ),
);
const save = results.find((r) => r.name.startsWith('file save'));
const hook = results.find((r) => r.name.startsWith('commit + webhook'));
console.log(
  `\ntargets: file save p95 < 150 ms: ${verdict('file save p95 < 150 ms', save.p95 < 150)} (${save.p95.toFixed(1)} ms); commit + webhook p95 < 1000 ms: ${verdict('commit + webhook p95 < 1000 ms', hook.p95 < 1000)} (${hook.p95.toFixed(1)} ms)`,
);
console.log(
  'references (not measured here): Argo CD polls git every 3 min; Kong DB-less takes ~10 s to load 5,000 routes.',
);
finishVerdicts();
