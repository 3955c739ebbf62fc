// Shared-limits benchmark: what counting in Redis costs, and whether it holds the limit.
//
//   (1) throughput of one rate-limited route (limit too high to ever reject), counted
//       (m) in memory, the embedded default, and (r) in Redis (Environment sharedStorage),
//       one gateway at a time, same wrk settings, interleaved rounds; ratio (r)/(m), target >= 0.7.
//   (2) overshoot: 3 replicas sharing one Redis under concurrent load (one wrk per replica,
//       at the same time) on a limit that does reject; responses counted by status: admitted
//       (2xx) − limit, target 0, every other response a 429 and no socket error. The same
//       3 replicas counting in memory are the baseline (each admits the limit: 2 × limit over).
//   Exits 1 when a target is MISSED.
//
//   npm run build && node bench/shared-limits.mjs [--seconds 10] [--warmup 3] [--connections 50]
//                                                [--threads 1] [--rounds 3] [--limit 2000]
//                                                [--overshoot-seconds 5] [--markdown]
//
// Needs wrk (bash bench/setup.sh) and redis-server (bash scripts/install-system-deps.sh);
// it starts its own redis-server on a free port, without persistence.
import { cpus } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Redis } from 'ioredis';
import { numberFlags } from './lib/args.mjs';
import { groupCpuSeconds } from './lib/cpu.mjs';
import { freePort, recentWarnings, startChild, stopChild, until } from './lib/proc.mjs';
import { fmt, formatMarkdownTable, formatTable } from './lib/table.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import { TOLLGATE_ROOT, admin, expect200, startTollgate, startUpstream, writeManifests } from './lib/targets.mjs';
import { STATUS_COUNTING_SCRIPT, runWrk, wrkVersion } from './lib/wrk.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const opts = numberFlags({
  seconds: 10,
  warmup: 3,
  connections: 50,
  threads: 1,
  rounds: 3,
  limit: 2000,
  overshootSeconds: 5,
  markdown: false,
});

const PATH = '/bench/items';
const DAY = 86_400_000;
const REDIS_VARIABLE = 'TOLLGATE_BENCH_REDIS_URL';

function redisVersion() {
  try {
    return execFileSync('redis-server', ['--version'], { encoding: 'utf8' })
      .trim()
      .replace(/ sha=.*/, '');
  } catch {
    throw new Error('redis-server is not installed: run bash scripts/install-system-deps.sh');
  }
}

async function startRedis(dir) {
  const port = await freePort();
  const child = startChild('redis-server', 'redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--loglevel',
    'warning',
  ]);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on('error', () => {});
  await until(
    'redis-server to answer PING',
    async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited:\n${child.tail.join('\n')}`);
      if (client.status === 'wait' || client.status === 'end') await client.connect().catch(() => {});
      return (await client.ping()) === 'PONG';
    },
    10_000,
  );
  return {
    child,
    url,
    client,
    stop: async () => {
      client.disconnect();
      await stopChild(child);
    },
  };
}

/** One Api behind a rate-limiting policy (and one with a limit that never rejects, to warm up on); the Environment counts in Redis when `shared`. */
async function writeConfig(dir, upstreamUrl, { shared, maximumRequests, timePeriodInMilliseconds }) {
  const rateLimiting = (max, period) => ({
    name: 'limit',
    type: 'rate-limiting',
    config: {
      rateLimits: [{ maximumRequests: max, timePeriodInMilliseconds: period }],
      keySelector: { source: 'api' },
    },
  });
  await writeManifests(dir, [
    {
      name: 'bench',
      basePath: '/bench',
      upstream: upstreamUrl,
      policies: [rateLimiting(maximumRequests, timePeriodInMilliseconds)],
    },
    { name: 'warm', basePath: '/warm', upstream: upstreamUrl, policies: [rateLimiting(1_000_000_000, 1000)] },
  ]);
  if (shared) {
    // The URL comes from the gateway's environment, as a secret reference should.
    const environment = {
      apiVersion: 'tollgate.dev/v1',
      kind: 'Environment',
      metadata: { name: 'bench' },
      spec: { precedence: 'strict', gatekeeper: 'flexible', sharedStorage: `\${env:${REDIS_VARIABLE}}` },
    };
    await writeFile(path.join(dir, 'environment.yaml'), JSON.stringify(environment, null, 2) + '\n');
  }
}

async function sharedStatus(running) {
  return (await admin(running.adminUrl, 'GET', '/status')).body.sharedStorage;
}

function assertClean(name, result, child) {
  if (result.non2xx > 0 || result.socketErrorCount > 0) {
    const warnings = child ? recentWarnings(child) : [];
    throw new Error(
      `${name}: ${result.non2xx} non-2xx responses, socket errors ${JSON.stringify(result.socketErrors)}\n${result.raw}${warnings.length ? `\nits last warnings:\n${warnings.join('\n')}` : ''}`,
    );
  }
  return result;
}

const median = (values) => {
  const s = [...values].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const wrk = wrkVersion();
  const redisServer = redisVersion();
  const tmp = await makeTmpDir('tollgate-bench-shared-');
  const upstream = await startUpstream();
  const redis = await startRedis(tmp);
  process.env[REDIS_VARIABLE] = redis.url;
  try {
    const memoryDir = path.join(tmp, 'memory');
    const redisDir = path.join(tmp, 'redis');
    await writeConfig(memoryDir, upstream.url, {
      shared: false,
      maximumRequests: 1_000_000_000,
      timePeriodInMilliseconds: 1000,
    });
    await writeConfig(redisDir, upstream.url, {
      shared: true,
      maximumRequests: 1_000_000_000,
      timePeriodInMilliseconds: 1000,
    });
    let stateDirs = 0;
    const targets = [
      { id: 'm', name: '(m) counted in memory', dir: memoryDir, shared: false },
      { id: 'r', name: '(r) counted in Redis', dir: redisDir, shared: true },
    ];
    const settings = { threads: opts.threads, connections: opts.connections, seconds: opts.seconds };
    console.log(`tollgate: ${TOLLGATE_ROOT}`);
    console.log(
      `shared-limits benchmark: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, ${wrk}, ${redisServer}`,
    );
    console.log(
      `(1) throughput: wrk -t${opts.threads} -c${opts.connections} -d${opts.seconds}s --latency <gateway>${PATH}, after a ${opts.warmup}s warm-up; ${opts.rounds} interleaved round(s)`,
    );
    console.log(
      '    one rate-limiting policy (keySelector api, 1e9 per second: never rejects); each gateway started fresh and stopped after.',
    );
    console.log(
      "    wrk, the gateway, the upstream and redis-server share this machine's cores; CPU/req is the gateway's (and redis-server's for (r)).\n",
    );

    const results = new Map(targets.map((t) => [t.id, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const target of targets) {
        const running = await startTollgate({
          configDir: target.dir,
          stateDir: path.join(tmp, `state-${stateDirs++}`),
        });
        try {
          const url = running.url + PATH;
          await expect200(target.name, url, {});
          if (target.shared) {
            const status = await sharedStatus(running);
            if (!status?.connected)
              throw new Error(`${target.name}: shared storage not connected: ${JSON.stringify(status)}`);
          }
          if (opts.warmup > 0)
            assertClean(
              `${target.name} warm-up`,
              await runWrk({ ...settings, url, seconds: opts.warmup }),
              running.child,
            );
          const cpuBefore = groupCpuSeconds(running.child.pid);
          const redisBefore = groupCpuSeconds(redis.child.pid);
          const result = assertClean(target.name, await runWrk({ ...settings, url }), running.child);
          result.cpuUs = ((groupCpuSeconds(running.child.pid) - cpuBefore) * 1e6) / result.requests;
          result.redisCpuUs = target.shared
            ? ((groupCpuSeconds(redis.child.pid) - redisBefore) * 1e6) / result.requests
            : NaN;
          result.fellBack = NaN;
          if (target.shared) {
            // A hit whose answer takes longer than the timeout (100 ms: a stall of this shared machine) is counted
            // locally, and after a whole timeout of silence every hit is, until a probe sees Redis answer (100 ms later).
            // Reported; more than 5% would mean the figures do not measure Redis.
            const status = await sharedStatus(running);
            result.fellBack = status.fallbacks.open + status.fallbacks.closed;
            result.outages = status.outages;
            if (!status.connected || result.fellBack > result.requests / 20)
              throw new Error(
                `${target.name}: ${result.fellBack} hits fell back to local counting: the figures would not measure Redis (${JSON.stringify(status)})`,
              );
          }
          results.get(target.id).push(result);
          console.log(
            `  round ${round}: ${target.name.padEnd(24)} ${fmt.int(result.rps).padStart(8)} req/s   p50 ${fmt.ms(result.p50Ms).padStart(8)}   p99 ${fmt.ms(result.p99Ms).padStart(9)}   gateway ${fmt.us(result.cpuUs)} CPU/req${target.shared ? `, redis-server ${fmt.us(result.redisCpuUs)}, ${result.fellBack} hits over the timeout (${result.outages} stalls)` : ''}`,
          );
        } finally {
          await running.stop();
        }
      }
    }
    const rows = targets.map((t) => {
      const runs = results.get(t.id);
      return {
        name: t.name,
        rps: median(runs.map((r) => r.rps)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        cpuUs: median(runs.map((r) => r.cpuUs)),
        redisCpuUs: median(runs.map((r) => r.redisCpuUs)),
        fellBack: runs.reduce((n, r) => n + r.fellBack, 0),
      };
    });
    const perRound = results.get('r').map((r, i) => r.rps / results.get('m')[i].rps);
    const ratio = median(perRound);
    const cpuRatio = median(results.get('r').map((r, i) => results.get('m')[i].cpuUs / r.cpuUs));
    const columns = [
      { key: 'name', title: 'counting', align: 'left' },
      { key: 'rps', title: 'req/s', format: fmt.int },
      { key: 'p50Ms', title: 'p50', format: fmt.ms },
      { key: 'p99Ms', title: 'p99', format: fmt.ms },
      { key: 'cpuUs', title: 'gateway CPU/req', format: fmt.us },
      { key: 'redisCpuUs', title: 'redis-server CPU/req', format: fmt.us },
      { key: 'fellBack', title: 'over the timeout (all rounds)', format: fmt.int },
    ];
    console.log(`\n(1) results (median of ${opts.rounds} round(s)): no rejections, no socket errors\n`);
    console.log(formatTable(rows, columns));
    console.log(
      `\n  (r)/(m) requests/s: ${fmt.ratio(ratio)}  target >= 0.7  ${verdict('(r)/(m) requests/s >= 0.7', ratio >= 0.7)}${opts.rounds > 1 ? `   rounds: ${perRound.map(fmt.ratio).join(', ')}` : ''}`,
    );
    console.log(`  (r)/(m) from gateway CPU time per request (inverse ratio of CPU/req): ${fmt.ratio(cpuRatio)}`);
    if (opts.markdown) console.log('\n' + formatMarkdownTable(rows, columns));

    // (2) Overshoot: 3 replicas, one wrk each at the same time, on a limit that rejects.
    console.log(
      `\n(2) overshoot: 3 replicas, limit ${opts.limit} per day, one wrk -t1 -c${opts.connections} -d${opts.overshootSeconds}s per replica at the same time`,
    );
    const overshoot = [];
    // Responses by status: only a 429 is a rejection; a 5xx or a socket error is neither admitted nor rejected.
    const statusScript = path.join(tmp, 'count-statuses.lua');
    await writeFile(statusScript, STATUS_COUNTING_SCRIPT);
    for (const shared of [false, true]) {
      const dir = path.join(tmp, `overshoot-${shared ? 'redis' : 'memory'}`);
      await writeConfig(dir, upstream.url, { shared, maximumRequests: opts.limit, timePeriodInMilliseconds: DAY });
      await redis.client.flushall();
      // A day window that ends during the run would let a second window's worth through.
      if (DAY - (Date.now() % DAY) < 120_000)
        throw new Error('the day window ends within 2 minutes (UTC midnight): run again in a moment');
      const replicas = await Promise.all(
        [0, 1, 2].map(() => startTollgate({ configDir: dir, stateDir: path.join(tmp, `state-${stateDirs++}`) })),
      );
      try {
        // Warm every replica up on the route that never rejects, all at once, as the measured run will be.
        if (opts.warmup > 0)
          await Promise.all(
            replicas.map((r) =>
              runWrk({ url: r.url + '/warm/items', threads: 1, connections: opts.connections, seconds: opts.warmup }),
            ),
          );
        const warmFallbacks = (await Promise.all(replicas.map(sharedStatus))).reduce(
          (n, s) => n + s.fallbacks.open + s.fallbacks.closed,
          0,
        );
        const runs = await Promise.all(
          replicas.map((r) =>
            runWrk({
              url: r.url + PATH,
              threads: 1,
              connections: opts.connections,
              seconds: opts.overshootSeconds,
              script: statusScript,
            }),
          ),
        );
        const total = runs.reduce((n, r) => n + r.requests, 0);
        const byStatus = {};
        for (const r of runs)
          for (const [status, n] of Object.entries(r.statuses)) byStatus[status] = (byStatus[status] ?? 0) + n;
        const counted = (status) => byStatus[status] ?? 0;
        const admitted = Object.entries(byStatus)
          .filter(([status]) => status.startsWith('2'))
          .reduce((n, [, c]) => n + c, 0);
        const rejected = counted('429');
        const other = Object.entries(byStatus).filter(([status]) => !status.startsWith('2') && status !== '429');
        const socketErrors = runs.reduce((n, r) => n + r.socketErrorCount, 0);
        if (admitted + rejected + other.reduce((n, [, c]) => n + c, 0) !== total)
          throw new Error(`wrk counted ${total} requests but ${JSON.stringify(byStatus)} by status`);
        const statuses = await Promise.all(replicas.map(sharedStatus));
        const fallbacks = statuses.reduce((n, s) => n + s.fallbacks.open + s.fallbacks.closed, 0) - warmFallbacks;
        const localRejections = statuses.reduce((n, s) => n + s.localRejections, 0);
        // A window is a hash: its start (s) and its count (c).
        const [windowKey] = shared ? await redis.client.keys('tollgate:*') : [];
        const redisCount = shared ? Number(windowKey ? await redis.client.hget(windowKey, 'c') : 0) : NaN;
        const row = {
          name: shared ? '3 replicas, Redis' : '3 replicas, memory (baseline)',
          total,
          admitted,
          rejected,
          other: Object.fromEntries(other),
          overshoot: admitted - opts.limit,
          rps: runs.reduce((n, r) => n + r.rps, 0),
          socketErrors,
          fallbacks,
          localRejections,
          counted: redisCount,
        };
        overshoot.push(row);
        console.log(
          `  ${row.name.padEnd(30)} ${fmt.int(total)} requests: ${fmt.int(admitted)} admitted (limit ${opts.limit}), ${fmt.int(rejected)} rejected with 429, other statuses ${JSON.stringify(row.other)}: overshoot ${row.overshoot}; ${fmt.int(row.rps)} req/s in all; socket errors ${socketErrors}${shared ? `; hits that fell back to local counting ${fallbacks}; rejected without a round trip ${fmt.int(localRejections)}; Redis count ${redisCount}` : ''}`,
        );
      } finally {
        await Promise.all(replicas.map((r) => r.stop()));
      }
    }
    const shared = overshoot.find((r) => r.name.includes('Redis'));
    const memory = overshoot.find((r) => r.name.includes('memory'));
    // Exactly the limit: fewer admitted is as wrong as more (a replica failing closed, a crash).
    console.log(
      `\n  admitted across 3 replicas with Redis: ${shared.admitted} of limit ${opts.limit} (overshoot ${shared.overshoot})  target: exactly the limit  ${verdict('exactly the limit admitted across 3 replicas with Redis', shared.admitted === opts.limit)}`,
    );
    console.log(
      `  every other response a 429, no socket error: ${verdict(
        'only 429s as rejections and no socket error',
        overshoot.every((r) => Object.keys(r.other).length === 0 && r.socketErrors === 0),
      )}`,
    );
    console.log(
      `  baseline: each replica counting in memory admits the limit (${3 * opts.limit} in all): ${verdict('the in-memory baseline admits 3 × the limit', memory.admitted === 3 * opts.limit)}`,
    );
    if (shared.fallbacks > 0)
      console.log(
        `  note: ${shared.fallbacks} hits waited longer than the 100 ms timeout (a CPU-starved machine) and were counted locally (fail-open); they can only overshoot once the window is full.`,
      );
    if (opts.markdown) {
      console.log(
        '\n' +
          formatMarkdownTable(overshoot, [
            { key: 'name', title: 'counting', align: 'left' },
            { key: 'total', title: 'requests', format: fmt.int },
            { key: 'admitted', title: 'admitted', format: fmt.int },
            { key: 'rejected', title: 'rejected (429)', format: fmt.int },
            { key: 'overshoot', title: 'overshoot', format: fmt.int },
            { key: 'rps', title: 'req/s (3 replicas)', format: fmt.int },
            {
              key: 'localRejections',
              title: 'rejected locally',
              format: (v, row) => (row.name.includes('Redis') ? fmt.int(v) : '-'),
            },
            {
              key: 'fallbacks',
              title: 'fell back (timeouts)',
              format: (v, row) => (row.name.includes('Redis') ? fmt.int(v) : '-'),
            },
          ]),
      );
    }
  } finally {
    await redis.stop();
    await upstream.stop();
  }
  finishVerdicts();
}

await main();
