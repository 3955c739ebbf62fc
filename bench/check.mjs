#!/usr/bin/env node
// bench/check: how long `tollgate check` takes on a large repository with a pull-request-sized change.
//
// Generates the bench repository (bench/generate-repo.mjs, 5,000 APIs × 6 policies) in a temp
// folder, commits it to a real git repository (main), and commits on a branch a change of 50
// APIs spread over 10 files: quotas raised 10× (findings), office allowlists disabled (findings),
// upstreams moved (plan only), and one policy test per changed API. Then, interleaved, as a user
// runs them (the built CLI in a child process, wall clock):
//   - check      `tollgate check --base main --head change --output json` (reads both commits from git)
//   - validate   `tollgate validate` of the head checked out: the baseline, what CI runs today
//   - git read   `git ls-tree -r` + `git cat-file --batch` of both commits: the floor of reading them
// Every timed run must do what the first one was checked to do (check: exit 1 with the same
// findings; validate: exit 0; git: exit 0), or the script stops. It prints the medians, the ratio
// to validate, and exits 1 when the check's median is over 3 s (MISSED).
//
// Usage: npm run build && node bench/check.mjs [--apis 5000] [--changed 50] [--runs 5] [--keep]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberFlags } from './lib/args.mjs';
import { fmt, formatTable } from './lib/table.mjs';
import { untrackDir } from './lib/cleanup.mjs';
import { makeTmpDir, removeTmpDir } from './lib/tmp.mjs';
import { apiName, generateRepo, usesClientId } from './generate-repo.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin/tollgate.js');
const TARGET_MS = 3000;
const {
  apis: APIS,
  changed: CHANGED,
  runs: RUNS,
  keep: KEEP,
} = numberFlags({ apis: 5000, changed: 50, runs: 5, keep: false });

if (!existsSync(path.join(ROOT, 'dist/cli/main.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}

const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });

// Makes a node child report its own CPU time on exit, so that load from other processes can be told apart.
const REPORT_CPU =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\n@cpu "+JSON.stringify(process.cpuUsage())+"\\n"))';
const tollgate = (args, cwd) => timed(process.execPath, ['--import', REPORT_CPU, BIN, ...args], cwd);

/** Runs a command to completion; resolves with its wall time, exit code, stdout and (node children) CPU time. */
function timed(command, args, cwd, input) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const out = [];
    let err = '';
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => {
      const cpu = /@cpu (\{.*\})/.exec(err);
      const cpuMs = cpu ? (JSON.parse(cpu[1]).user + JSON.parse(cpu[1]).system) / 1000 : undefined;
      resolve({
        ms: performance.now() - started,
        cpuMs,
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: err,
      });
    });
    if (input !== undefined) child.stdin.end(input);
  });
}

/** The change of one Api: which kind it gets, by its number. */
function changeApi(text, i) {
  const name = apiName(i);
  const start = text.indexOf(`  name: ${name}\n`);
  // Documents are joined with ---; this one ends with its last newline.
  const separator = text.indexOf('\n---\n', start);
  const end = separator === -1 ? text.length : separator + 1;
  let doc = text.slice(start, end);
  const kind = i % 3;
  if (kind === 0)
    doc = doc.replace(
      /(- name: quota\n[\s\S]*?- \{ maximumRequests: )(\d+)/,
      (_, head, n) => `${head}${Number(n) * 10}`,
    );
  else if (kind === 1)
    doc = doc.replace(
      '    - name: office-network\n      type: ip-allowlist\n',
      '    - name: office-network\n      type: ip-allowlist\n      enabled: false\n',
    );
  else doc = doc.replace(`upstream: http://${name}.prod.svc`, `upstream: http://${name}.prod-v2.svc`);
  const test = usesClientId(i)
    ? `  tests:\n    - name: callers without credentials get 401\n      request: { path: /x }\n      expect: { status: 401 }\n`
    : `  tests:\n    - name: staff log in\n      request: { path: /x, basicAuth: { username: svc-${i}, password: "\${env:API_${i}_PASSWORD}" } }\n      expect: { status: 200 }\n`;
  doc += test.replace('/x', /basePath: (\S+)/.exec(doc)[1]);
  return text.slice(0, start) + doc + text.slice(end);
}

const dir = await makeTmpDir('tollgate-bench-check-');
try {
  const repo = path.join(dir, 'repo');
  const generated = await generateRepo(repo, { apis: APIS });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.email', 'bench@example.com');
  git(repo, 'config', 'user.name', 'bench');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'base');
  git(repo, 'checkout', '-q', '-b', 'change');

  // CHANGED Apis spread over 10 files (a pull request of one team touches a few files).
  const perFile = Math.ceil(CHANGED / 10);
  const apiFiles = generated.files.filter((f) => f.includes(`${path.sep}apis${path.sep}`)).sort();
  let done = 0;
  for (let f = 0; done < CHANGED && f < apiFiles.length; f += Math.max(1, Math.floor(apiFiles.length / 10))) {
    let text = await readFile(apiFiles[f], 'utf8');
    const first = Number(/name: \w+-(\d{5})/.exec(text)[1]);
    for (let k = 0; k < perFile && done < CHANGED; k++, done++) text = changeApi(text, first + k);
    await writeFile(apiFiles[f], text);
  }
  git(repo, 'commit', '-q', '-am', `change ${done} APIs`);
  const changedFiles = git(repo, 'diff', '--name-only', 'main', 'change').trim().split('\n').length;
  const base = git(repo, 'rev-parse', 'main').trim();
  const head = git(repo, 'rev-parse', 'change').trim();
  console.log(
    `repository: ${generated.files.length} files, ${APIS} APIs × ${generated.policiesPerApi} policies, ${generated.applications} applications; change: ${done} APIs in ${changedFiles} files`,
  );

  // What check must find, so that a fast run of the wrong thing cannot pass.
  const probe = await tollgate(['check', '--base', 'main', '--head', 'change', '--output', 'json'], repo);
  const report = JSON.parse(probe.stdout);
  const findingCodes = (findings) => {
    const counts = {};
    for (const f of findings) counts[f.code] = (counts[f.code] ?? 0) + 1;
    return counts;
  };
  const codes = findingCodes(report.findings);
  console.log(
    `check: exit ${probe.code}; ${report.summary.errors} errors, ${report.summary.warnings} warnings; findings ${JSON.stringify(codes)}; tests ${JSON.stringify(report.tests.totals)}`,
  );
  if (
    probe.code !== 1 ||
    !codes.TG_IP_ALLOWLIST_OPENED ||
    !codes.TG_RATE_LIMIT_LOOSENED ||
    report.tests.totals.passed === 0
  ) {
    throw new Error(`check did not report the change as expected:\n${probe.stderr}`);
  }

  const runs = { check: [], checkCpu: [], validate: [], validateCpu: [], git: [] };
  const gitRead = async () => {
    let ms = 0;
    for (const commit of [base, head]) {
      const list = await timed('git', ['ls-tree', '-r', '-z', commit], repo);
      if (list.code !== 0) throw new Error(`git ls-tree failed: ${list.stderr}`);
      const blobs =
        list.stdout
          .split('\0')
          .filter(Boolean)
          .map((r) => r.split(/\s/)[2])
          .join('\n') + '\n';
      const read = await timed('git', ['cat-file', '--batch'], repo, blobs);
      if (read.code !== 0) throw new Error(`git cat-file failed: ${read.stderr}`);
      ms += list.ms + read.ms;
    }
    return ms;
  };
  for (let r = 0; r < RUNS; r++) {
    const check = await tollgate(['check', '--base', 'main', '--head', 'change', '--output', 'json'], repo);
    // A timed run that failed differently (a crash, other findings) would time the wrong thing.
    const same =
      check.code === probe.code &&
      JSON.stringify(findingCodes(JSON.parse(check.stdout || '{"findings":[]}').findings)) === JSON.stringify(codes);
    if (!same)
      throw new Error(
        `timed check run ${r + 1} did not match the first (exit ${check.code}):\n${check.stderr.slice(-2000)}`,
      );
    runs.check.push(check.ms);
    runs.checkCpu.push(check.cpuMs);
    // The head is checked out: validate reads it from disk, as CI does today.
    const validate = await tollgate(['validate', '.'], repo);
    if (validate.code !== 0) throw new Error(`validate failed: ${validate.stdout}${validate.stderr}`);
    runs.validate.push(validate.ms);
    runs.validateCpu.push(validate.cpuMs);
    runs.git.push(await gitRead());
  }

  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const check = median(runs.check);
  const row = (what, times, cpu) => ({
    what,
    median: median(times),
    min: Math.min(...times),
    max: Math.max(...times),
    cpu: cpu && median(cpu),
    ratio: median(times) / median(runs.validate),
  });
  const rows = [
    row('tollgate check (base → head, 2 environments, tests)', runs.check, runs.checkCpu),
    row('tollgate validate of the head (baseline)', runs.validate, runs.validateCpu),
    row('git ls-tree + cat-file of both commits', runs.git),
  ];
  console.log(
    `\n${RUNS} interleaved runs, wall clock of each process in ms (CPU: user + system time of the process):\n`,
  );
  console.log(
    formatTable(rows, [
      { key: 'what', title: 'measure' },
      { key: 'median', title: 'median', format: fmt.int },
      { key: 'min', title: 'min', format: fmt.int },
      { key: 'max', title: 'max', format: fmt.int },
      { key: 'cpu', title: 'CPU (median)', format: fmt.int },
      { key: 'ratio', title: '× validate', format: fmt.ratio },
    ]),
  );
  console.log(
    `\ntarget: check median < ${TARGET_MS} ms: ${verdict(`check median < ${TARGET_MS} ms`, check < TARGET_MS)} (${fmt.int(check)} ms, ${fmt.ratio(check / median(runs.validate))}× validate of the head alone)`,
  );
  finishVerdicts();
} finally {
  if (KEEP) {
    untrackDir(dir);
    console.log(`kept ${dir}/repo`);
  } else await removeTmpDir(dir);
}
