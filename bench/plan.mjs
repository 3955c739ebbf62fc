#!/usr/bin/env node
// bench/plan: plan and apply against a live gateway holding 5,000 APIs × 6 policies (+2 automated).
//
// Generates the bench repository (bench/generate-repo.mjs), points its production environment
// at a real gateway process started here, then measures in this process, with the same code
// `tollgate plan` / `tollgate apply` run:
//   - full apply from an empty gateway
//   - no-op plan (read live state + diff), against its floor measured in the same run:
//     GET /state + JSON.parse alone. Cold: a desired state the planner has not seen (sealed and
//     fingerprinted here, 5,000 APIs); warm: the same one again (a reconciler's drift checks).
//   - one changed policy as `reconcile` handles it, end to end: a manifest file saved, the
//     desired state rebuilt (that file parsed again, every rule checked, unchanged APIs reused
//     as they are), then applied: fingerprinted (only the APIs rebuilt), what differs read,
//     diffed, one transaction, the gateway reloaded. Judged: save → reloaded; the apply alone
//     (after the rebuild) is reported beside it.
//   - the same change cold, as a fresh `tollgate apply` process plans it after validating: every
//     API of a never-seen desired state sealed and fingerprinted; and the transaction alone
//     (what the gateway does with one change)
//   - gateway RSS after the full apply
// Targets (issue): no-op plan < 300 ms, one change saved → reloaded < 100 ms, gateway RSS < 400 MB.
// Exits 1 when a target is MISSED.
//
// Usage: npm run build && node bench/plan.mjs [--apis 5000] [--runs 5]
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateRepo } from './generate-repo.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const APIS = flag('--apis', 5000);
const RUNS = flag('--runs', 5);
const TOKEN = 'bench-admin-token';

const { validatePaths } = await import(path.join(ROOT, 'dist/validate/index.js'));
const { environmentState } = await import(path.join(ROOT, 'dist/model/normalize.js'));
const { resolveStateSecrets } = await import(path.join(ROOT, 'dist/secrets/resolve-state.js'));
const { planEnvironment, applyEnvironment, nodeTargets } = await import(
  path.join(ROOT, 'dist/reconcile/apply-environment.js')
);
const { DesiredStateBuilder } = await import(path.join(ROOT, 'dist/reconcile/desired-state.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;
const time = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

const work = await mkdtemp(path.join(os.tmpdir(), 'tollgate-bench-plan-'));
let gateway;
try {
  await generateRepo(work, { apis: APIS });
  gateway = await startGateway(path.join(work, '.state'));
  const envFile = path.join(work, 'environments/environments.yaml');
  const text = await readFile(envFile, 'utf8');
  // Production → this machine's gateway; its shared storage is not part of this benchmark.
  const production = text.slice(text.indexOf('name: production'));
  const local = production
    .replace(/  sharedStorage:.*\n/, '')
    .replace(
      /  nodes:\n(    [^\n]*\n)+/,
      `  nodes:\n    - name: local\n      adminUrl: ${gateway.adminUrl}\n      token: \${env:BENCH_TOKEN}\n`,
    );
  await writeFile(envFile, text.slice(0, text.indexOf('name: production')) + local);

  // The repository's secrets are ${env:...} references: give them values, as a deployment would.
  const probe = await validatePaths([work], { env: 'production' });
  if (!probe.valid) throw new Error(`bench repo invalid: ${JSON.stringify(probe.diagnostics.slice(0, 3))}`);
  for (const name of resolveStateSecrets(environmentState(probe.manifests, 'production'), {}).missing)
    process.env[name] = `bench-secret-${name}`;
  const builder = new DesiredStateBuilder();
  const validation = await time(() => builder.build([work], 'production'));
  if (!validation.value.ok) throw new Error(`desired state not built: ${validation.value.reason}`);
  const desired = validation.value.state;
  const nodes = nodeTargets([{ name: 'local', adminUrl: gateway.adminUrl, token: TOKEN }]);
  const policies = desired.apis.reduce((n, a) => n + a.chain.length, 0);

  const full = await time(() => applyEnvironment(desired, nodes, { prune: true }));
  if (full.value[0].result !== 'applied') throw new Error(`full apply failed: ${full.value[0].error}`);
  const rssMb = await gatewayRss(gateway.pid);

  const floors = [];
  const noops = [];
  const warmNoops = [];
  for (let i = 0; i < RUNS; i++) {
    floors.push(
      (
        await time(async () =>
          (await fetch(`${gateway.adminUrl}/state`, { headers: { authorization: `Bearer ${TOKEN}` } })).json(),
        )
      ).ms,
    );
    // Cold: a desired state the planner has not seen (as `tollgate plan` builds it): seal + fingerprint it all.
    const fresh = structuredClone(desired);
    const plan = await time(() => planEnvironment(fresh, nodes, { prune: true }));
    if (plan.value[0].plan.changes.length !== 0) throw new Error('no-op plan found changes: the diff is noisy');
    noops.push(plan.ms);
    // Warm: the same desired state again (a reconciler's drift checks of one revision).
    warmNoops.push((await time(() => planEnvironment(fresh, nodes, { prune: true }))).ms);
  }

  // As `reconcile` does it: one API's spike limit edited in its file, the desired state rebuilt, applied.
  const apiFiles = (await readdir(path.join(work, 'apis'), { recursive: true }))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => path.join(work, 'apis', f));
  const reconciled = [];
  const rebuilds = [];
  const applies = [];
  for (let i = 0; i < RUNS; i++) {
    const file = apiFiles[(i * 37) % apiFiles.length];
    const text = await readFile(file, 'utf8');
    await writeFile(
      file,
      text.replace(/maximumRequests: (\d+)/, (_, n) => `maximumRequests: ${Number(n) + 1}`),
    );
    const started = performance.now();
    const next = await builder.build([work], 'production');
    if (!next.ok) throw new Error(`rebuild failed: ${next.reason}`);
    const built = performance.now();
    rebuilds.push(built - started);
    const r = (await applyEnvironment(next.state, nodes, { prune: true }))[0];
    applies.push(performance.now() - built);
    reconciled.push(performance.now() - started);
    if (r.result !== 'applied' || r.changedApis.length !== 1)
      throw new Error(`reconcile of one change did not reload exactly one API: ${JSON.stringify(r).slice(0, 300)}`);
  }
  const latest = await builder.build([work], 'production');

  const changes = [];
  const transactions = [];
  const gatewaySide = [];
  let current = latest.state;
  const bump = (state, i) => {
    const api = state.apis[(i * 997) % state.apis.length];
    const limit =
      api.chain.find((p) => p.type === 'rate-limiting') ?? api.chain.find((p) => p.type === 'spike-control');
    if (limit.type === 'rate-limiting') limit.config.rateLimits[0].maximumRequests += 1;
    else limit.config.maximumRequests += 1;
    return api;
  };
  for (let i = 0; i < RUNS; i++) {
    current = structuredClone(current);
    bump(current, i);
    const applied = await time(() => applyEnvironment(current, nodes, { prune: true }));
    const r = applied.value[0];
    if (r.result !== 'applied' || r.changedApis.length !== 1)
      throw new Error(`one-change apply did not reload exactly one API: ${JSON.stringify(r).slice(0, 300)}`);
    changes.push(applied.ms);
  }
  // The transaction alone: one changed API sent to the gateway, validated, compiled, swapped in.
  for (let i = 0; i < RUNS; i++) {
    const api = bump(current, RUNS + i);
    const { revision } = await nodes[0].client.getFingerprints();
    const sent = await time(() =>
      nodes[0].client.transaction({ expectedRevision: revision, changes: [{ op: 'put-api', api }] }),
    );
    if (!sent.value.ok || sent.value.changedApis.length !== 1)
      throw new Error(`transaction failed: ${JSON.stringify(sent.value).slice(0, 300)}`);
    transactions.push(sent.ms);
    gatewaySide.push(sent.value.durationMs);
  }

  const rows = [
    ['repository', `${desired.apis.length} APIs, ${policies} policies in chains`, ''],
    ['validate + build desired state (first revision)', ms(validation.ms), ''],
    ['full apply from empty', ms(full.ms), ''],
    ['GET /state + JSON.parse (floor)', ms(median(floors)), '1.00×'],
    [
      'no-op plan, cold (seal + fingerprint + read)',
      ms(median(noops)),
      `${(median(noops) / median(floors)).toFixed(2)}× floor`,
    ],
    [
      'no-op plan, warm (same desired state)',
      ms(median(warmNoops)),
      `${(median(warmNoops) / median(floors)).toFixed(2)}× floor`,
    ],
    [
      'one change by reconcile, file saved → reloaded',
      ms(median(reconciled)),
      `${(median(reconciled) / median(floors)).toFixed(2)}× floor`,
    ],
    ['  of which desired state rebuilt (validate, build)', ms(median(rebuilds)), ''],
    [
      '  of which applied (plan, read, diff, transaction)',
      ms(median(applies)),
      `${(median(applies) / median(floors)).toFixed(2)}× floor`,
    ],
    [
      'one change, cold (fresh `apply` after validating)',
      ms(median(changes)),
      `${(median(changes) / median(floors)).toFixed(2)}× floor`,
    ],
    [
      'one change, transaction round trip',
      ms(median(transactions)),
      `${(median(transactions) / median(floors)).toFixed(2)}× floor`,
    ],
    ['  of which gateway apply (validate, compile, swap)', ms(median(gatewaySide)), ''],
    ['gateway RSS after full apply', `${rssMb.toFixed(0)} MB`, ''],
  ];
  console.log(
    `\nbench/plan — ${RUNS} runs, medians; node ${process.version}, ${os.cpus().length} cores (shared machine)\n`,
  );
  for (const [a, b, c] of rows) console.log(`${a.padEnd(50)} ${b.padStart(28)}  ${c}`);
  console.log(
    `\ntargets: no-op plan < 300 ms (cold): ${verdict('no-op plan < 300 ms', median(noops) < 300)}; one change saved → reloaded < 100 ms (reconcile): ${verdict('one change saved → reloaded < 100 ms', median(reconciled) < 100)}; RSS < 400 MB: ${verdict('gateway RSS < 400 MB', rssMb < 400)}`,
  );
  console.log(
    `also: the apply after the rebuild ${ms(median(applies))}, a cold \`apply\` process ${ms(median(changes))} (fingerprints every API first), the transaction ${ms(median(transactions))}`,
  );
  finishVerdicts();
} finally {
  if (gateway && gateway.child.exitCode === null) {
    const exited = new Promise((resolve) => gateway.child.once('exit', resolve));
    gateway.child.kill('SIGTERM');
    await exited;
  }
  await rm(work, { recursive: true, force: true });
}

async function startGateway(stateDir) {
  const child = spawn(
    process.execPath,
    [
      path.join(ROOT, 'bin/tollgate.js'),
      'gateway',
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
      '--state-dir',
      stateDir,
      '--log-level',
      'warn',
    ],
    {
      env: { ...process.env, TOLLGATE_ADMIN_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  process.on('exit', () => child.kill('SIGKILL'));
  // With --log-level warn the listening line is not printed: find the ports through /proc.
  const adminUrl = await new Promise((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const poll = async () => {
      const ports = await listeningPorts(child.pid);
      for (const port of ports) {
        const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
          .then((r) => r.ok)
          .catch(() => false);
        if (ok) return resolve(`http://127.0.0.1:${port}`);
      }
      if (Date.now() > deadline) return reject(new Error('gateway did not start'));
      setTimeout(poll, 100);
    };
    void poll();
  });
  return { child, pid: child.pid, adminUrl };
}

async function listeningPorts(pid) {
  const inodes = new Set();
  const { readdir, readlink } = await import('node:fs/promises');
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [])) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const m = /socket:\[(\d+)\]/.exec(link);
    if (m) inodes.add(m[1]);
  }
  const table = await readFile('/proc/net/tcp', 'utf8');
  return table
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[3] === '0A' && inodes.has(f[9]))
    .map((f) => parseInt(f[1].split(':')[1], 16));
}

async function gatewayRss(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}
