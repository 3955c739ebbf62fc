// Gateway throughput benchmark: requests/s and p99 latency of the same request through
//   (a) the upstream directly, (b) nginx, (c) a bare fastify + @fastify/reply-from proxy,
//   (d) tollgate with one API and no policies, (e) tollgate with cors + spike-control +
//   rate-limiting + ip-allowlist + basic-auth on that API (limits too high to ever reject),
//   (f) the same as (e) writing an access record of every request to a file,
// one target at a time, with the same wrk settings, in one run; then the ratios the issue targets.
// With TOLLGATE_BENCH_ROOT=<another checkout, built>, (d) and (e) run on that build too, interleaved
// ((d0), (e0)), and the cost of this build against it is reported in CPU per request: what the path
// normalization and the credential cache cost, measured in one run.
//
//   npm run build && node bench/gateway.mjs [--seconds 10] [--warmup 3] [--connections 50]
//                                          [--threads 1] [--rounds 1] [--markdown] [--profile]
//
// --rounds N measures every target N times (interleaved) and reports medians.
// Exits 1 when a target is MISSED, the stretch target included.
// --profile afterwards runs tollgate (e) once more under `node --cpu-prof` and prints its top
// self-time functions (that extra run is not part of the table).
// Setup (wrk, nginx-light, @fastify/reply-from): bash bench/setup.sh
import { createHash } from 'node:crypto';
import { cpus } from 'node:os';
import { readFile, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { numberFlags } from './lib/args.mjs';
import { groupCpuSeconds } from './lib/cpu.mjs';
import { cleanupNow } from './lib/cleanup.mjs';
import { formatProfileSummary, summarizeProfile } from './lib/cpuprofile.mjs';
import { fmt, formatMarkdownTable, formatTable, median } from './lib/table.mjs';
import { recentWarnings } from './lib/proc.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import {
  ROOT,
  TOLLGATE_ROOT,
  expect200,
  httpGet,
  nginxBinary,
  startNginx,
  startReplyFromProxy,
  startTollgate,
  startUpstream,
  writeManifests,
} from './lib/targets.mjs';
import { runWrk, wrkVersion } from './lib/wrk.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

// TOLLGATE_BENCH_ROOT names the baseline build here; this checkout is always what (d), (e) and (f) run.
const BASELINE = TOLLGATE_ROOT === ROOT ? undefined : TOLLGATE_ROOT;
const opts = numberFlags({
  seconds: 10,
  warmup: 3,
  connections: 50,
  threads: 1,
  rounds: 1,
  markdown: false,
  profile: false,
});

// Every target gets the same request: same path, same headers (the policies of (e) need them).
const PATH = '/bench/items';
const USER = 'demo';
const PASSWORD = 's3cret';
const ORIGIN = 'http://localhost:3000';
const HEADERS = { authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`, origin: ORIGIN };

const POLICIES = [
  { name: 'browser-access', type: 'cors', config: { publicResource: false, originGroups: [{ origins: [ORIGIN] }] } },
  {
    name: 'burst-guard',
    type: 'spike-control',
    config: { maximumRequests: 1_000_000_000, timePeriodInMilliseconds: 1000, delayAttempts: 0 },
  },
  {
    name: 'per-client-limit',
    type: 'rate-limiting',
    config: {
      rateLimits: [{ maximumRequests: 1_000_000_000, timePeriodInMilliseconds: 1000 }],
      keySelector: { source: 'ip' },
      exposeHeaders: true,
    },
  },
  { name: 'loopback-only', type: 'ip-allowlist', config: { ips: ['127.0.0.0/8'] } },
  { name: 'login', type: 'basic-auth', config: { username: USER, password: hashed('bench-salt-0001', PASSWORD) } },
];

/** A pre-hashed secret as manifests carry it: sha256(salt + "\0" + password). */
function hashed(salt, password) {
  return { salt, sha256: createHash('sha256').update(salt).update('\0').update(password).digest('hex') };
}

function nginxVersion() {
  // nginx -v prints to stderr.
  const out = spawnSync(nginxBinary(), ['-v'], { encoding: 'utf8' });
  if (out.error) throw new Error('nginx is not installed: run bash bench/setup.sh');
  return `${out.stderr}${out.stdout}`.trim().replace(/^nginx version: /, '') || 'nginx';
}

async function main() {
  const wrk = wrkVersion();
  const nginx = nginxVersion();
  try {
    await import('@fastify/reply-from');
  } catch {
    throw new Error('@fastify/reply-from is not installed: run bash bench/setup.sh');
  }
  const tmp = await makeTmpDir('tollgate-bench-gateway-');
  const upstream = await startUpstream();
  try {
    const expectedBody = (await expect200('upstream', upstream.url + PATH, HEADERS)).body;
    const plainDir = path.join(tmp, 'manifests-plain');
    const policyDir = path.join(tmp, 'manifests-policies');
    await writeManifests(plainDir, [{ name: 'bench', basePath: '/bench', upstream: upstream.url }]);
    await writeManifests(policyDir, [
      { name: 'bench', basePath: '/bench', upstream: upstream.url, policies: POLICIES },
    ]);
    const recordsFile = path.join(tmp, 'access.ndjson');
    const recordingDir = path.join(tmp, 'manifests-recording');
    await writeManifests(
      recordingDir,
      [{ name: 'bench', basePath: '/bench', upstream: upstream.url, policies: POLICIES }],
      { accessRecords: { enabled: true, sampling: 1, destination: { file: recordsFile } } },
    );

    let stateDirs = 0;
    const targets = [
      {
        id: 'a',
        name: '(a) upstream direct',
        start: async () => ({ url: upstream.url, child: upstream.child, stop: async () => {} }),
      },
      {
        id: 'b',
        name: '(b) nginx proxy',
        start: () => startNginx(upstream.url, path.join(tmp, `nginx-${stateDirs++}`)),
      },
      { id: 'c', name: '(c) fastify + reply-from', start: () => startReplyFromProxy(upstream.url) },
      {
        id: 'd',
        name: '(d) tollgate, no policies',
        start: () =>
          startTollgate({ configDir: plainDir, stateDir: path.join(tmp, `state-${stateDirs++}`), root: ROOT }),
      },
      {
        id: 'e',
        name: '(e) tollgate, 5 policies',
        start: () =>
          startTollgate({ configDir: policyDir, stateDir: path.join(tmp, `state-${stateDirs++}`), root: ROOT }),
        checkPolicies: true,
      },
      {
        id: 'f',
        name: '(f) (e) + access records',
        start: () =>
          startTollgate({ configDir: recordingDir, stateDir: path.join(tmp, `state-${stateDirs++}`), root: ROOT }),
        checkPolicies: true,
        checkRecords: recordsFile,
      },
      ...(BASELINE
        ? [
            {
              id: 'd0',
              name: '(d0) baseline build, no policies',
              start: () =>
                startTollgate({
                  configDir: plainDir,
                  stateDir: path.join(tmp, `state-${stateDirs++}`),
                  root: BASELINE,
                }),
            },
            {
              id: 'e0',
              name: '(e0) baseline build, 5 policies',
              start: () =>
                startTollgate({
                  configDir: policyDir,
                  stateDir: path.join(tmp, `state-${stateDirs++}`),
                  root: BASELINE,
                }),
              checkPolicies: true,
            },
          ]
        : []),
    ];

    const settings = { threads: opts.threads, connections: opts.connections, seconds: opts.seconds, headers: HEADERS };
    console.log(`tollgate: ${ROOT}${BASELINE ? `; baseline build: ${BASELINE}` : ''}`);
    console.log(
      `gateway benchmark: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, ${wrk}, ${nginx}`,
    );
    console.log(
      `load: wrk -t${opts.threads} -c${opts.connections} -d${opts.seconds}s --latency -H 'Authorization: Basic …' -H 'Origin: ${ORIGIN}' <target>${PATH}`,
    );
    console.log(
      `      after a ${opts.warmup}s warm-up with the same settings; ${opts.rounds} round(s); one target at a time, each started fresh and stopped after.`,
    );
    console.log(
      "note: wrk, the target and the upstream share this machine's cores (nothing pinned), so absolute figures are low; compare ratios.",
    );
    console.log(
      "      CPU/req = user+system CPU time of the target's processes (not the upstream's, not wrk's) divided by requests served.\n",
    );

    const results = new Map(targets.map((t) => [t.id, []]));
    for (let round = 1; round <= opts.rounds; round++) {
      for (const target of targets) {
        const running = await target.start();
        try {
          const url = running.url + PATH;
          await expect200(target.name, url, HEADERS, expectedBody);
          if (target.checkPolicies) await checkPoliciesActive(url, running);
          if (target.checkRecords) await checkRecordsWritten(target.checkRecords);
          if (opts.warmup > 0)
            assertClean(
              target.name + ' warm-up',
              await runWrk({ ...settings, url, seconds: opts.warmup }),
              running.child,
            );
          const cpuBefore = groupCpuSeconds(running.child.pid);
          const result = assertClean(target.name, await runWrk({ ...settings, url }), running.child);
          const cpuAfter = groupCpuSeconds(running.child.pid);
          result.cpuUsPerRequest = cpuBefore === undefined ? NaN : ((cpuAfter - cpuBefore) * 1e6) / result.requests;
          results.get(target.id).push(result);
          console.log(
            `  round ${round}: ${target.name.padEnd(28)} ${fmt.int(result.rps).padStart(8)} req/s   p99 ${fmt.ms(result.p99Ms).padStart(9)}   ${fmt.us(result.cpuUsPerRequest)} CPU/req`,
          );
        } finally {
          await running.stop();
        }
      }
    }

    const summary = new Map(
      targets.map((t) => {
        const runs = results.get(t.id);
        return [
          t.id,
          {
            name: t.name,
            rps: median(runs.map((r) => r.rps)),
            p50Ms: median(runs.map((r) => r.p50Ms)),
            p99Ms: median(runs.map((r) => r.p99Ms)),
            cpuUs: median(runs.map((r) => r.cpuUsPerRequest)),
            requests: runs.reduce((n, r) => n + r.requests, 0),
          },
        ];
      }),
    );
    const c = summary.get('c');
    const d = summary.get('d');
    const rows = targets.map((t) => {
      const s = summary.get(t.id);
      return { ...s, vsC: s.rps / c.rps, vsD: s.rps / d.rps };
    });
    const columns = [
      { key: 'name', title: 'target', align: 'left' },
      { key: 'rps', title: 'req/s', format: fmt.int },
      { key: 'p50Ms', title: 'p50', format: fmt.ms },
      { key: 'p99Ms', title: 'p99', format: fmt.ms },
      { key: 'vsC', title: 'rps vs (c)', format: fmt.ratio },
      { key: 'vsD', title: 'rps vs (d)', format: fmt.ratio },
      { key: 'cpuUs', title: 'CPU/req', format: fmt.us },
      { key: 'requests', title: opts.rounds > 1 ? 'requests (all rounds)' : 'requests', format: fmt.int },
    ];
    console.log(
      `\nresults${opts.rounds > 1 ? ` (median of ${opts.rounds} rounds)` : ''}: no non-2xx responses, no socket errors\n`,
    );
    console.log(formatTable(rows, columns));

    // Each ratio is taken within a round (its two targets ran minutes apart at most), then the median over rounds.
    const ratio = (x, y, key = 'rps') => {
      const perRound = results.get(x).map((r, i) => r[key] / results.get(y)[i][key]);
      return { value: median(perRound), perRound };
    };
    const checks = [
      { what: '(d)/(c) tollgate vs bare reply-from proxy', ...ratio('d', 'c'), target: 1.2 },
      { what: '(e)/(d) 5 policies vs no policies', ...ratio('e', 'd'), target: 0.85 },
      { what: '(d)/(b) tollgate vs nginx (stretch)', ...ratio('d', 'b'), target: 0.5 },
      { what: '(f)/(e) access records on vs off', ...ratio('f', 'e'), target: 0.9 },
    ];
    console.log(
      `\nratios of requests/s the issue targets${opts.rounds > 1 ? ' (median of the per-round ratios)' : ''}:`,
    );
    for (const check of checks) {
      const rounds = opts.rounds > 1 ? `   rounds: ${check.perRound.map(fmt.ratio).join(', ')}` : '';
      console.log(
        `  ${check.what.padEnd(44)} ${fmt.ratio(check.value)}  target >= ${check.target}  ${verdict(`${check.what} >= ${check.target}`, check.value >= check.target).padEnd(6)}${rounds}`,
      );
    }
    // Requests/s depend on how the 2 shared cores are split; CPU per request of the target process does much less.
    const cpu = (x, y) => median(results.get(y).map((r, i) => r.cpuUsPerRequest / results.get(x)[i].cpuUsPerRequest));
    console.log(
      'the same ratios from CPU time per request of the target (inverse ratio of CPU/req; less sensitive to other load):',
    );
    console.log(
      `  (d)/(c) ${fmt.ratio(cpu('d', 'c'))}   (e)/(d) ${fmt.ratio(cpu('e', 'd'))}   (d)/(b) ${fmt.ratio(cpu('d', 'b'))}   (f)/(e) ${fmt.ratio(cpu('f', 'e'))}`,
    );
    if (BASELINE) {
      // CPU per request of this build over the baseline's, per round then the median: above 1, this build costs more.
      const cost = (x, y) =>
        median(results.get(x).map((r, i) => r.cpuUsPerRequest / results.get(y)[i].cpuUsPerRequest));
      console.log(`this build against the baseline build (CPU per request, this / baseline; target <= 1.10):`);
      for (const [x, y, what] of [
        ['d', 'd0', 'no policies (routing, path normalization)'],
        ['e', 'e0', '5 policies (with the credential cache)'],
      ]) {
        const value = cost(x, y);
        console.log(
          `  (${x})/(${y}) ${what.padEnd(42)} ${fmt.ratio(value)}  ${verdict(`(${x})/(${y}) CPU per request <= 1.10`, value <= 1.1)}`,
        );
      }
    }
    if (opts.markdown) console.log('\n' + formatMarkdownTable(rows, columns));

    if (opts.profile) await profileTollgate(policyDir, path.join(tmp, 'profile'), settings, expectedBody);
    finishVerdicts();
  } finally {
    await upstream.stop();
  }
}

/** Proves the chain of (e) runs: CORS headers on the 200, and 401 without credentials. */
async function checkPoliciesActive(url, running) {
  const ok = await httpGet(url, HEADERS);
  if (ok.headers['access-control-allow-origin'] !== ORIGIN)
    throw new Error(`(e): no CORS header on the response: ${JSON.stringify(ok.headers)}`);
  if (ok.headers['x-ratelimit-limit'] === undefined)
    throw new Error(`(e): no X-RateLimit-Limit header: the rate-limiting policy did not run`);
  const anonymous = await httpGet(url, { origin: ORIGIN });
  if (anonymous.status !== 401)
    throw new Error(
      `(e): a request without credentials answered ${anonymous.status}, not 401: basic-auth is not in the chain`,
    );
  const policies = running.status.apis?.[0]?.policies ?? [];
  if (policies.length !== POLICIES.length)
    throw new Error(`(e): the gateway reports policies ${JSON.stringify(policies)}`);
}

/** Proves (f) records: the checks' requests are in the file within the writer's flush interval. */
async function checkRecordsWritten(file) {
  for (let i = 0; i < 50; i++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean);
    if (lines.some((l) => JSON.parse(l).status === 401)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`(f): no access record of the 401 check reached ${file}`);
}

function assertClean(name, result, child) {
  if (result.non2xx > 0 || result.socketErrorCount > 0) {
    const warnings = child ? recentWarnings(child) : [];
    throw new Error(
      `${name}: ${result.non2xx} non-2xx responses and socket errors ${JSON.stringify(result.socketErrors)}: the figures would not measure proxying\n${result.raw}${warnings.length ? `\nits last warnings:\n${warnings.join('\n')}` : ''}`,
    );
  }
  return result;
}

async function profileTollgate(configDir, profDir, settings, expectedBody) {
  console.log(`\nprofiling (e) under node --cpu-prof (${opts.seconds}s of the same load; not part of the table)...`);
  const running = await startTollgate({
    configDir,
    stateDir: profDir + '-state',
    nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir],
    root: ROOT,
  });
  try {
    const url = running.url + PATH;
    await expect200('(e) profiled', url, HEADERS, expectedBody);
    const result = assertClean('(e) profiled', await runWrk({ ...settings, url }), running.child);
    console.log(`  under the profiler: ${fmt.int(result.rps)} req/s, p99 ${fmt.ms(result.p99Ms)}`);
  } finally {
    await running.stop();
  }
  const files = (await readdir(profDir)).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error('the profiled gateway wrote no .cpuprofile');
  console.log('\n' + formatProfileSummary(await summarizeProfile(path.join(profDir, files[0]), 30)));
}

try {
  await main();
} catch (err) {
  console.error(`\nbench/gateway.mjs FAILED: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  cleanupNow();
}
