// Replay throughput: a recorded day of access records (generated: 200 clients, 2,000 addresses, three
// APIs with client limits, client-id enforcement, spike control, an IP limit and basic auth) replayed
// through the compiled chains of a base and a head (a lowered limit), against reading and parsing the
// same file alone (the record stream replay itself reads: lines, JSON, checks, time order), in
// interleaved rounds in one process. Figures are CPU time, so other load on the machine moves them little.
// Targets: replay within 3x of the parse alone; a million records replayed in under a minute.
//
//   npm run build && node bench/replay.mjs [--records 1000000] [--rounds 3]
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlags } from './lib/args.mjs';
import { median } from './lib/table.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { readRecords } = await import(path.join(ROOT, 'dist/replay/read-records.js'));
const { replayEnvironment } = await import(path.join(ROOT, 'dist/replay/replay-environment.js'));
const { loadSide } = await import(path.join(ROOT, 'dist/replay/load-sides.js'));

const opts = numberFlags({ records: 1_000_000, rounds: 3 });
const dir = await makeTmpDir('tollgate-bench-replay-');
const CLIENTS = 200;
const ADDRESSES = 2_000;
const DAY_MS = 86_400_000;

function manifests(perClient) {
  return `apiVersion: tollgate.dev/v1
kind: Environment
metadata: { name: prod }
spec: { precedence: strict }
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: orders }
spec:
  version: v1
  basePath: /orders
  upstream: http://127.0.0.1:9
  environments: [prod]
  policies:
    - { name: per-client, type: rate-limiting, config: { keySelector: { source: client-id }, rateLimits: [{ maximumRequests: ${perClient}, timePeriodInMilliseconds: 3600000 }] } }
    - { name: partners, type: client-id-enforcement }
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: catalog }
spec:
  version: v1
  basePath: /catalog
  upstream: http://127.0.0.1:9
  environments: [prod]
  policies:
    - { name: burst, type: spike-control, config: { maximumRequests: 50, timePeriodInMilliseconds: 1000, delayAttempts: 0 } }
    - { name: per-ip, type: rate-limiting, config: { keySelector: { source: ip }, rateLimits: [{ maximumRequests: 300, timePeriodInMilliseconds: 60000 }] } }
---
apiVersion: tollgate.dev/v1
kind: Api
metadata: { name: backoffice }
spec:
  version: v1
  basePath: /backoffice
  upstream: http://127.0.0.1:9
  environments: [prod]
  policies:
    - { name: login, type: basic-auth, config: { username: ops, password: "\${env:BACKOFFICE_PASSWORD}" } }
${Array.from(
  { length: CLIENTS },
  (_, i) => `---
apiVersion: tollgate.dev/v1
kind: Application
metadata: { name: app-${i} }
spec:
  clientId: client-${i}
  clientSecret: \${env:APP_SECRET}
  contracts: [{ api: orders, version: v1 }]
`,
).join('')}`;
}

/** A deterministic day: records in time order, most verified, some guesses and anonymous requests. */
async function writeRecords(file, n) {
  const out = createWriteStream(file);
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const start = Date.parse('2026-11-30T00:00:00Z');
  for (let i = 0; i < n; i++) {
    const time = new Date(start + Math.floor((i / n) * DAY_MS)).toISOString();
    const r = random();
    const ip = `10.0.${Math.floor(random() * ADDRESSES) >> 8}.${Math.floor(random() * 256)}`;
    let record;
    if (r < 0.6) {
      const id = `client-${Math.floor(random() ** 2 * CLIENTS)}`;
      const verified = random() < 0.98;
      record = {
        time,
        environment: 'prod',
        node: 'gw-1',
        api: 'orders',
        method: 'GET',
        path: `/orders/${i % 997}`,
        status: verified ? 200 : 401,
        latencyMs: 3.2,
        bytes: 512,
        clientIp: ip,
        client: { id, verified },
        ...(verified ? {} : { answeredBy: 'partners' }),
        policies: ['per-client', 'partners'],
      };
    } else if (r < 0.95) {
      record = {
        time,
        environment: 'prod',
        node: 'gw-1',
        api: 'catalog',
        method: 'GET',
        path: `/catalog/items/${i % 5003}`,
        status: 200,
        latencyMs: 1.1,
        bytes: 2048,
        clientIp: ip,
        origin: 'https://shop.example',
        policies: ['burst', 'per-ip'],
      };
    } else {
      const ok = random() < 0.9;
      record = {
        time,
        environment: 'prod',
        node: 'gw-1',
        api: 'backoffice',
        method: 'POST',
        path: '/backoffice/reports',
        status: ok ? 200 : 401,
        latencyMs: 8.4,
        bytes: 128,
        clientIp: ip,
        ...(ok ? { principal: 'ops' } : { answeredBy: 'login' }),
        policies: ['login'],
      };
    }
    if (!out.write(`${JSON.stringify(record)}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

const file = path.join(dir, 'access.ndjson');
await writeRecords(file, opts.records);
const sides = {};
for (const [name, limit] of [
  ['base', 100],
  ['head', 40],
]) {
  const folder = path.join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  await writeFile(path.join(folder, 'manifests.yaml'), manifests(limit));
  const loaded = await loadSide({ paths: [folder] });
  if (!loaded.ok) throw new Error(`${name}: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  sides[name] = loaded.side;
}

/** CPU and wall seconds of one run of `work`. */
async function timed(work) {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const result = await work();
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / 1e6, wall: (performance.now() - wall) / 1000, result };
}

const parse = async () => {
  const stream = readRecords([file], 'prod');
  let n = 0;
  for await (const _ of stream.records) n++;
  return n;
};
const replay = () =>
  replayEnvironment({ files: [file], environment: 'prod', base: sides.base, head: sides.head, baseDir: dir });

const parses = [];
const replays = [];
let report;
for (let round = 1; round <= opts.rounds; round++) {
  const p = await timed(parse);
  if (p.result !== opts.records) throw new Error(`parse read ${p.result} records of ${opts.records}`);
  const r = await timed(replay);
  report = r.result;
  parses.push(p);
  replays.push(r);
  console.log(
    `  round ${round}: parse alone ${p.cpu.toFixed(2)} s CPU (${p.wall.toFixed(2)} s), replay through base and head ${r.cpu.toFixed(2)} s CPU (${r.wall.toFixed(2)} s)`,
  );
}
if (report.totals.requests !== opts.records)
  throw new Error(`replay saw ${report.totals.requests} records of ${opts.records}`);
const parseCpu = median(parses.map((p) => p.cpu));
const replayCpu = median(replays.map((r) => r.cpu));
const replayWall = median(replays.map((r) => r.wall));
const ratio = replayCpu / parseCpu;
const perSecond = opts.records / replayWall;
console.log(
  `replay of ${opts.records} records (${report.totals.newlyRefused} newly refused by the lowered limit): ${Math.round(perSecond).toLocaleString('en')} records/s, parse alone ${Math.round(opts.records / median(parses.map((p) => p.wall))).toLocaleString('en')} records/s`,
);
console.log(
  `replay vs parse alone (CPU): ${ratio.toFixed(2)}×  target <= 3  ${verdict('replay within 3x of the parse alone', ratio <= 3)}`,
);
const million = (replayWall * 1_000_000) / opts.records;
console.log(
  `a million records: ${million.toFixed(1)} s  target < 60 s  ${verdict('a million records replayed in under a minute', million < 60)}`,
);
finishVerdicts();
