#!/usr/bin/env node
// bench/neighbours: what another process on the same machine does to the gateway's p99.
//
// A plain `tollgate gateway` serves bench/reload's repository (5,000 APIs, applied once) and
// bench/reload's steady stream runs against it. Windows of --window seconds take turns, --rounds
// times over; in each, one kind of neighbour process runs over and over (or none):
//
//   idle                             nothing
//   apply, every core, nice 19       `tollgate apply` of one changed API, as bench/reload --unpinned
//   apply, one core, nice 19         the same, all its threads on the last core (bench/reload)
//   1 busy thread, nice 19           a CPU loop
//   2 busy threads, SCHED_IDLE       two CPU loops in the lowest scheduling class (chrt --idle 0)
//   allocating, nice 19              a node process building and dropping objects (parallel GC)
//   allocating, nice 19, 1 GC thread the same with --single-threaded-gc
//
// Reported per kind: runs, requests, errors, p50 and p99 over all its windows, each window's p99,
// and p99 over idle. Interleaved windows put the machine's own drift into every kind alike.
//
//   npm run build && node bench/neighbours.mjs [--apis 5000] [--rounds 3] [--window 12] [--rate 400]
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { numberFlags } from './lib/args.mjs';
import { cleanupNow } from './lib/cleanup.mjs';
import { jsonLine, startChild, stopChild, waitForLine } from './lib/proc.mjs';
import { ENV, TARGET, pointAt, reloadRepo } from './lib/reload-repo.mjs';
import { phaseOf, startStream } from './lib/stream-client.mjs';
import { fmt, formatTable } from './lib/table.mjs';
import { ADMIN_TOKEN, TOLLGATE_ROOT, startUpstream } from './lib/targets.mjs';
import { makeTmpDir } from './lib/tmp.mjs';

const opts = numberFlags({ apis: 5000, rounds: 3, window: 12, rate: 400 });
const BIN = path.join(TOLLGATE_ROOT, 'bin/tollgate.js');
const LAST_CORE = String(cpus().length - 1);
const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keeps a core busy for 1.3 s; with `threads` 2, a second thread does the same beside it. */
const spin = (threads) =>
  `${threads > 1 ? 'new (require("node:worker_threads").Worker)(process.argv[1], { eval: true, argv: [] });' : ''}` +
  'const t = Date.now(); while (Date.now() - t < 1300);';
/** Builds and drops about 150 MB of small objects in 1.3 s, as a validating process does. */
const ALLOCATE =
  'const t = Date.now(); let kept = []; while (Date.now() - t < 1300) { const a = []; ' +
  'for (let i = 0; i < 2e4; i++) a.push({ i, s: "x" + i }); kept.push(a); if (kept.length > 60) kept = kept.slice(30); }';

async function main() {
  const tmp = await makeTmpDir('tollgate-bench-neighbours-');
  const upstream = await startUpstream();
  const generated = await reloadRepo(path.join(tmp, 'repo'), { apis: opts.apis, upstreamUrl: upstream.url });
  const { repo, secrets, edit, envFile } = generated;
  const child = startChild(
    'tollgate',
    process.execPath,
    [BIN, 'gateway', '--listen', '127.0.0.1:0', '--admin-listen', '127.0.0.1:0', '--state-dir', path.join(tmp, 'st')],
    { env: { TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN } },
  );
  try {
    const gw = await waitForLine(child, jsonLine('gateway listening'), 60_000);
    await pointAt(envFile, gw.adminUrl);
    const env = { ...process.env, ...secrets, BENCH_TOKEN: ADMIN_TOKEN };
    /** Runs node with `args` behind `prefix` (the command that sets its priority or cores). */
    const node = (prefix, args) =>
      run(prefix[0], [...prefix.slice(1), process.execPath, ...args], { env, maxBuffer: 64 * 1024 * 1024 });
    const NICE = ['nice', '-n', '19'];
    const applyArgs = [BIN, 'apply', '--env', ENV, '--yes', repo];
    let edits = 0;
    const apply = (prefix) => async () => {
      await edit(edits++);
      await node(prefix, applyArgs);
    };
    const kinds = [
      { name: 'idle' },
      { name: 'apply, every core, nice 19', run: apply(NICE) },
      { name: 'apply, one core, nice 19', run: apply(['taskset', '-c', LAST_CORE, ...NICE]) },
      { name: '1 busy thread, nice 19', run: () => node(NICE, ['-e', spin(1)]) },
      { name: '2 busy threads, SCHED_IDLE', run: () => node(['chrt', '--idle', '0'], ['-e', spin(2), spin(1)]) },
      { name: 'allocating, nice 19', run: () => node(NICE, ['-e', ALLOCATE]) },
      { name: 'allocating, nice 19, 1 GC thread', run: () => node(NICE, ['--single-threaded-gc', '-e', ALLOCATE]) },
    ];
    await node(NICE, applyArgs);
    console.log(`tollgate: ${TOLLGATE_ROOT}`);
    console.log(`neighbours benchmark: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}`);
    console.log(
      `repository: ${opts.apis} APIs; stream: ${opts.rate} GET/s to ${TARGET}; ${opts.rounds} rounds of ${opts.window} s per kind\n`,
    );
    const stream = await startStream(gw.url + TARGET, { rate: opts.rate });
    await sleep(2000);
    const windows = [];
    for (let round = 0; round < opts.rounds; round++) {
      for (const kind of kinds) {
        const from = Date.now();
        let runs = 0;
        if (!kind.run) await sleep(opts.window * 1000);
        else
          while (Date.now() - from < opts.window * 1000) {
            await kind.run();
            runs++;
          }
        windows.push({ kind: kind.name, from, to: Date.now(), runs });
      }
    }
    const samples = await stream.stop();
    const rows = kinds.map(({ name }) => {
      const own = windows.filter((w) => w.kind === name);
      const pooled = own.flatMap((w) => samples.filter(([t]) => t >= w.from && t < w.to));
      const all = phaseOf(pooled, -Infinity, Infinity);
      return {
        kind: name,
        runs: own.reduce((sum, w) => sum + w.runs, 0),
        ...all,
        windows: own.map((w) => phaseOf(samples, w.from, w.to).p99Ms.toFixed(2)).join(' '),
      };
    });
    const idle = rows[0].p99Ms;
    for (const row of rows) row.overIdle = row.p99Ms - idle;
    console.log(
      formatTable(rows, [
        { key: 'kind', title: 'neighbour', align: 'left' },
        { key: 'runs', title: 'runs', format: fmt.int },
        { key: 'requests', title: 'requests', format: fmt.int },
        { key: 'errors', title: 'errors', format: fmt.int },
        { key: 'p50Ms', title: 'p50', format: fmt.ms },
        { key: 'p99Ms', title: 'p99', format: fmt.ms },
        { key: 'overIdle', title: 'p99 over idle', format: (v) => `${v < 0 ? '-' : '+'}${fmt.ms(Math.abs(v))}` },
        { key: 'windows', title: 'p99 per window (ms)', align: 'left' },
      ]),
    );
  } finally {
    await stopChild(child, 10_000);
    await upstream.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nbench/neighbours.mjs FAILED: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  cleanupNow();
}
