// Hot-reload benchmark: does applying policy changes disturb traffic?
// tollgate serves 50 APIs (each rate-limiting with a limit never reached + header-injection);
// wrk drives a few of them round-robin, first for a fixed time WITHOUT reloads (baseline),
// then for the same time WITH 100 policy changes sent through the admin API
// (POST /transactions, one put-api each, every one naming the revision the previous one
// returned, spread evenly over the run; half of them change an API under load).
// Reported: errors (non-2xx + socket errors, target 0), p99 with vs without reloads, and the
// apply time of a reload (durationMs of the transaction responses: median, p95, max).
//
//   npm run build && node bench/reload.mjs [--seconds 20] [--warmup 3] [--connections 50]
//                                          [--threads 1] [--apis 50] [--loaded 4] [--changes 100] [--rounds 1]
// --rounds N repeats (baseline, with reloads) N times on the same gateway and reports medians;
// the revision must then advance by N × changes.
// Setup (wrk): bash bench/setup.sh
import { cpus } from 'node:os';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { numberFlags } from './lib/args.mjs';
import { cleanupNow } from './lib/cleanup.mjs';
import { fmt, formatTable, median, quantile } from './lib/table.mjs';
import { recentWarnings } from './lib/proc.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import { TOLLGATE_ROOT, admin, expect200, httpGet, startTollgate, startUpstream, writeManifests } from './lib/targets.mjs';
import { roundRobinScript, runWrk, wrkVersion } from './lib/wrk.mjs';

const opts = numberFlags({ seconds: 20, warmup: 3, connections: 50, threads: 1, apis: 50, loaded: 4, changes: 100, rounds: 1 });
if (opts.loaded < 1 || opts.loaded > opts.apis) throw new Error('--loaded must be between 1 and --apis');

const nameOf = (i) => `api-${String(i).padStart(2, '0')}`;
const HEADER = 'x-bench-rev';

function apiManifest(i, upstream) {
  return {
    name: nameOf(i),
    basePath: `/${nameOf(i)}`,
    upstream,
    policies: [
      { name: 'quota', type: 'rate-limiting', config: { rateLimits: [{ maximumRequests: 1_000_000_000, timePeriodInMilliseconds: 1000 }], keySelector: { source: 'api' } } },
      { name: 'tag', type: 'header-injection', config: { inboundHeaders: [{ key: 'X-Bench-Rev', value: 'rev-initial' }] } },
    ],
  };
}

function assertNoErrors(name, result, child) {
  if (result.non2xx > 0 || result.socketErrorCount > 0) {
    throw new Error(`${name}: ${result.non2xx} non-2xx responses, socket errors ${JSON.stringify(result.socketErrors)}\n${result.raw}\n${recentWarnings(child).join('\n')}`);
  }
}

/** Sends `count` put-api transactions spread over `seconds`, each naming the revision the previous answer returned. */
async function applyReloads({ adminUrl, apis, count, seconds, loadedNames, otherNames, first }) {
  const interval = (seconds * 1000) / (count + 1);
  const byName = new Map(apis.map((a) => [a.name, a]));
  let revision = (await admin(adminUrl, 'GET', '/state')).body.revision;
  const records = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const due = started + (i + 1) * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    // Even changes hit an API under load, odd ones an idle API.
    const pool = i % 2 === 0 || otherNames.length === 0 ? loadedNames : otherNames;
    const name = pool[Math.floor(i / 2) % pool.length];
    const api = structuredClone(byName.get(name));
    const tag = api.chain.find((p) => p.type === 'header-injection');
    const value = `rev-${first + i + 1}`;
    tag.config.inboundHeaders = [{ key: 'X-Bench-Rev', value }];
    const sent = performance.now();
    const res = await admin(adminUrl, 'POST', '/transactions', { expectedRevision: revision, changes: [{ op: 'put-api', api }] });
    const roundTripMs = performance.now() - sent;
    if (res.status !== 200 || !res.body.ok || res.body.unchanged) {
      throw new Error(`reload ${i + 1} (${name}) refused: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    }
    if (res.body.revision !== revision + 1) throw new Error(`reload ${i + 1}: revision went from ${revision} to ${res.body.revision}`);
    revision = res.body.revision;
    byName.set(name, api);
    records.push({ index: first + i + 1, name, value, durationMs: res.body.durationMs, roundTripMs, changedApis: res.body.changedApis });
  }
  return { records, revision, last: records.at(-1), apis: [...byName.values()] };
}

async function main() {
  const wrk = wrkVersion();
  const tmp = await makeTmpDir('tollgate-bench-reload-');
  const upstream = await startUpstream({ echo: true });
  let gateway;
  try {
    const configDir = path.join(tmp, 'manifests');
    await writeManifests(configDir, Array.from({ length: opts.apis }, (_, i) => apiManifest(i, upstream.url)));
    gateway = await startTollgate({ configDir, stateDir: path.join(tmp, 'state') });
    const initial = await admin(gateway.adminUrl, 'GET', '/state');
    if (initial.status !== 200 || initial.body.state?.apis?.length !== opts.apis) throw new Error(`the gateway does not serve ${opts.apis} APIs: ${JSON.stringify(initial.body).slice(0, 300)}`);

    const loadedNames = Array.from({ length: opts.loaded }, (_, i) => nameOf(i));
    const otherNames = Array.from({ length: opts.apis - opts.loaded }, (_, i) => nameOf(opts.loaded + i));
    for (const name of loadedNames) {
      const res = await expect200(name, `${gateway.url}/${name}/items`, {});
      if (res.headers[HEADER] !== 'rev-initial') throw new Error(`${name}: the header-injection policy did not run (upstream saw ${HEADER}=${res.headers[HEADER]})`);
    }
    const script = path.join(tmp, 'round-robin.lua');
    await writeFile(script, roundRobinScript(loadedNames.map((n) => `/${n}/items`)));
    const settings = { url: gateway.url, threads: opts.threads, connections: opts.connections, script };

    console.log(`tollgate: ${TOLLGATE_ROOT}`);
    console.log(`reload benchmark: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, ${wrk}`);
    console.log(`gateway: ${opts.apis} APIs, each rate-limiting (1e9/s) + header-injection; revision ${initial.body.revision} at start`);
    console.log(`load: wrk -t${opts.threads} -c${opts.connections} -d${opts.seconds}s --latency, round-robin over ${loadedNames.join(', ')}`);
    console.log(`      after a ${opts.warmup}s warm-up; ${opts.rounds} round(s) of: a run without reloads, then the same run with ${opts.changes} reloads (one every ${Math.round((opts.seconds * 950) / (opts.changes + 1))} ms)`);
    console.log('note: wrk, tollgate, the upstream and this script (admin client) share this machine\'s cores.\n');

    if (opts.warmup > 0) assertNoErrors('warm-up', await runWrk({ ...settings, seconds: opts.warmup }), gateway.child);
    const rounds = [];
    let apis = initial.body.state.apis;
    for (let round = 1; round <= opts.rounds; round++) {
      const baseline = await runWrk({ ...settings, seconds: opts.seconds });
      console.log(`  round ${round} without reloads: ${fmt.int(baseline.rps).padStart(7)} req/s, p99 ${fmt.ms(baseline.p99Ms).padStart(9)}, ${baseline.non2xx} non-2xx, ${baseline.socketErrorCount} socket errors`);
      const [withReloads, reloads] = await Promise.all([
        runWrk({ ...settings, seconds: opts.seconds }),
        // Finish the changes a little before wrk stops, so all of them happen under load.
        applyReloads({ adminUrl: gateway.adminUrl, apis, count: opts.changes, seconds: opts.seconds * 0.95, loadedNames, otherNames, first: (round - 1) * opts.changes }),
      ]);
      apis = reloads.apis;
      console.log(`  round ${round} with reloads:    ${fmt.int(withReloads.rps).padStart(7)} req/s, p99 ${fmt.ms(withReloads.p99Ms).padStart(9)}, ${withReloads.non2xx} non-2xx, ${withReloads.socketErrorCount} socket errors`);
      rounds.push({ baseline, withReloads, reloads });
    }

    // The revision advanced by exactly the number of changes, and the last change is what the data plane enforces.
    const final = await admin(gateway.adminUrl, 'GET', '/state');
    const advanced = final.body.revision - initial.body.revision;
    const last = rounds.at(-1).reloads.last;
    const seen = await httpGet(`${gateway.url}/${last.name}/items`);
    const records = rounds.flatMap((r) => r.reloads.records);
    const durations = records.map((r) => r.durationMs).sort((a, b) => a - b);
    const roundTrips = records.map((r) => r.roundTripMs).sort((a, b) => a - b);
    const changedOne = records.every((r) => r.changedApis.length === 1 && r.changedApis[0] === r.name);
    const phase = (key) => {
      const runs = rounds.map((r) => r[key]);
      return { rps: median(runs.map((r) => r.rps)), p50Ms: median(runs.map((r) => r.p50Ms)), p99Ms: median(runs.map((r) => r.p99Ms)), requests: runs.reduce((n, r) => n + r.requests, 0), errors: runs.reduce((n, r) => n + r.non2xx + r.socketErrorCount, 0) };
    };
    const without = phase('baseline');
    const withR = phase('withReloads');
    const rows = [
      { phase: 'without reloads', ...without },
      { phase: `with ${opts.changes} reloads`, ...withR },
    ];
    console.log(`\n${opts.rounds > 1 ? `median of ${opts.rounds} rounds (requests and errors: sums)` : 'results'}:\n`);
    console.log(formatTable(rows, [
      { key: 'phase', title: 'phase', align: 'left' },
      { key: 'rps', title: 'req/s', format: fmt.int },
      { key: 'p50Ms', title: 'p50', format: fmt.ms },
      { key: 'p99Ms', title: 'p99', format: fmt.ms },
      { key: 'requests', title: 'requests', format: fmt.int },
      { key: 'errors', title: 'errors', format: fmt.int },
    ]));
    const p99Ratios = rounds.map((r) => r.withReloads.p99Ms / r.baseline.p99Ms);
    console.log(`\np99 with / without reloads: ${fmt.ratio(median(p99Ratios))}${opts.rounds > 1 ? ` (median; per round ${p99Ratios.map(fmt.ratio).join(', ')})` : ''}   req/s with / without: ${fmt.ratio(withR.rps / without.rps)}`);
    console.log(`reload apply time (transaction durationMs, ${durations.length} reloads): median ${fmt.ms(quantile(durations, 0.5))}, p95 ${fmt.ms(quantile(durations, 0.95))}, max ${fmt.ms(durations.at(-1))}`);
    console.log(`admin round trip (client side: HTTP, queue, apply):            median ${fmt.ms(quantile(roundTrips, 0.5))}, p95 ${fmt.ms(quantile(roundTrips, 0.95))}, max ${fmt.ms(roundTrips.at(-1))}`);
    const slowest = [...records].sort((a, b) => b.durationMs - a.durationMs).slice(0, 3);
    console.log(`slowest applies: ${slowest.map((r) => `#${r.index} ${r.name} ${fmt.ms(r.durationMs)}`).join(', ')}`);

    const failures = [];
    const errors = without.errors + withR.errors;
    console.log('\nchecks:');
    const check = (ok, text) => {
      console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`);
      if (!ok) failures.push(text);
    };
    check(errors === 0, `errors (non-2xx + socket errors) in all runs: ${errors} (without reloads ${without.errors}, with reloads ${withR.errors}), target 0`);
    check(advanced === opts.changes * opts.rounds, `/state revision advanced by ${advanced} (${initial.body.revision} → ${final.body.revision}), expected ${opts.changes * opts.rounds}`);
    check(changedOne, 'every transaction recompiled exactly the API it changed');
    check(seen.headers[HEADER] === last.value, `the data plane enforces the last change: ${last.name} sends ${HEADER}=${seen.headers[HEADER]} (expected ${last.value})`);
    const warnings = recentWarnings(gateway.child);
    if (failures.length && warnings.length) console.log(`\nthe gateway's last warnings:\n${warnings.join('\n')}`);
    if (failures.length) throw new Error(`${failures.length} check(s) failed`);
  } finally {
    await gateway?.stop();
    await upstream.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nbench/reload.mjs FAILED: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  cleanupNow();
}
