// The policy chain alone: the 5-policy chain of bench/gateway.mjs (cors, spike-control, rate-limiting,
// ip-allowlist, basic-auth), compiled as the gateway compiles it and run in this process through the
// request and response passes (src/policy-tests: no socket, no upstream), so that other load on the
// machine hardly moves the figure. With TOLLGATE_BENCH_ROOT=<another checkout> it runs that build too,
// interleaved, and prints this build's time per request against it (target: at most 1.10×).
//
//   npm run build && node bench/chain.mjs [--requests 200000] [--rounds 3]
//   TOLLGATE_BENCH_ROOT=/tmp/tg-before node bench/chain.mjs
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlags } from './lib/args.mjs';
import { median } from './lib/table.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[2] === '--child') {
  await measure(process.argv[3], Number(process.argv[4]));
} else {
  const opts = numberFlags({ requests: 200_000, rounds: 3 });
  const baseline = process.env.TOLLGATE_BENCH_ROOT ? path.resolve(process.env.TOLLGATE_BENCH_ROOT) : undefined;
  const builds = [
    { name: 'this build', root: HERE },
    ...(baseline ? [{ name: `baseline (${baseline})`, root: baseline }] : []),
  ];
  const times = new Map(builds.map((b) => [b.name, []]));
  for (let round = 1; round <= opts.rounds; round++) {
    for (const build of builds) {
      // A process per measurement: the builds never share a heap or a JIT.
      const us = await new Promise((resolve, reject) => {
        const child = fork(fileURLToPath(import.meta.url), ['--child', build.root, String(opts.requests)], {
          stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
        });
        child.on('message', resolve);
        child.on('exit', (code) => code !== 0 && reject(new Error(`${build.name} exited with ${code}`)));
      });
      times.get(build.name).push(us);
      console.log(`  round ${round}: ${build.name.padEnd(12)} ${us.toFixed(2)} µs per request`);
    }
  }
  const mine = median(times.get('this build'));
  console.log(
    `5-policy chain, median of ${opts.rounds} round(s) of ${opts.requests} requests: ${mine.toFixed(2)} µs per request`,
  );
  if (baseline) {
    const base = median(times.get(builds[1].name));
    const ratio = mine / base;
    console.log(
      `this build vs baseline: ${ratio.toFixed(2)}×  target <= 1.10  ${verdict('chain time vs baseline <= 1.10', ratio <= 1.1)}`,
    );
  }
  finishVerdicts();
}

async function measure(root, requests) {
  const { compileTestChain } = await import(path.join(root, 'dist/policy-tests/test-chain.js'));
  const { send } = await import(path.join(root, 'dist/policy-tests/send.js'));
  const { TestClock } = await import(path.join(root, 'dist/policy-tests/test-clock.js'));
  const salt = 'bench-salt-0001';
  const password = { salt, sha256: createHash('sha256').update(salt).update('\0').update('bench-pw').digest('hex') };
  const origin = 'http://localhost:3000';
  const chain = [
    {
      name: 'browser-access',
      type: 'cors',
      config: {
        publicResource: false,
        supportCredentials: false,
        originGroups: [
          { origins: [origin], accessControlMaxAge: 30, allowedMethods: ['GET'], headers: [], exposedHeaders: [] },
        ],
      },
    },
    {
      name: 'burst-guard',
      type: 'spike-control',
      config: {
        maximumRequests: 1_000_000_000,
        timePeriodInMilliseconds: 1000,
        delayTimeInMillis: 1000,
        delayAttempts: 0,
        queuingLimit: 0,
        exposeHeaders: false,
        clusterizable: true,
        failMode: 'open',
      },
    },
    {
      name: 'per-client-limit',
      type: 'rate-limiting',
      config: {
        rateLimits: [{ maximumRequests: 1_000_000_000, timePeriodInMilliseconds: 1000 }],
        keySelector: { source: 'ip' },
        exposeHeaders: true,
        clusterizable: true,
        failMode: 'open',
      },
    },
    { name: 'loopback-only', type: 'ip-allowlist', config: { ips: ['127.0.0.0/8'] } },
    { name: 'login', type: 'basic-auth', config: { username: 'bench', password, realm: 'tollgate' } },
  ].map((p) => ({ ...p, enabled: true, origin: 'api' }));
  const api = {
    name: 'bench',
    version: 'v1',
    basePath: '/bench',
    upstream: 'http://127.0.0.1:9',
    timeoutMs: 5000,
    chain,
    slaTiers: [],
  };
  const clock = new TestClock();
  const compiled = await compileTestChain(api, [], clock, root);
  const request = {
    method: 'GET',
    path: '/items',
    search: '',
    remoteAddress: '127.0.0.1',
    headers: { authorization: `Basic ${Buffer.from('bench:bench-pw').toString('base64')}`, origin, host: 'gateway' },
    body: Buffer.alloc(0),
  };
  // Warm-up: the first credential check is verified off the loop, later ones are remembered; the JIT settles.
  for (let i = 0; i < 20_000; i++) {
    const answer = await send(compiled, request, undefined);
    if (answer.status !== 200) throw new Error(`the chain answered ${answer.status}`);
  }
  const started = performance.now();
  // About 20,000 requests a second of the clock, as under wrk.
  for (let i = 0; i < requests; i++) {
    if (i % 20 === 0) clock.advance(1);
    await send(compiled, request, undefined);
  }
  const us = ((performance.now() - started) / requests) * 1000;
  await compiled.close();
  process.send(us);
}
