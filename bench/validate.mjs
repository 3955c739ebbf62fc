#!/usr/bin/env node
// bench/validate: how long `tollgate validate` takes on a large repository.
//
// Generates a repository of 5,000 APIs × 6 policies (bench/generate-repo.mjs) into a
// temp folder, then times, in this process and on the same files:
//   - validatePaths()       the whole validation, as `tollgate validate` runs it
//   - parse-only baseline   reading the files with js-yaml alone (loadAll, YAML 1.2 core
//                           schema), the parser valid files really go through: the floor
//   - for reference         the `yaml` package (parseAllDocuments + toJS), which files with a
//                           syntax error or anchors go through, and its lexer + parser alone (CST)
// and a breakdown of validatePaths() by phase and by rule, with, as a reference for the
// base-path rule, the same overlap check done with a map of prefixes instead of pairwise.
//
// Exits 1 when the target (validatePaths median < 1,500 ms) is MISSED.
//
// Usage: npm run build && node --expose-gc bench/validate.mjs [--apis 5000] [--per-file 50] [--runs 5] [--keep]
// (--expose-gc lets it collect garbage between runs, so one run's garbage is not timed in the next.)
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsyaml from 'js-yaml';
import { Parser, parseAllDocuments } from 'yaml';
import { generateRepo } from './generate-repo.mjs';
import { finishVerdicts, verdict } from './lib/verdict.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TARGET_MS = 1500;

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i === -1 ? fallback : Number(args[i + 1]);
};
const APIS = flag('--apis', 5000);
const PER_FILE = flag('--per-file', 50);
const RUNS = Math.max(1, flag('--runs', 5));
const KEEP = args.includes('--keep');

if (!existsSync(path.join(ROOT, 'dist/validate/index.js'))) {
  console.error('dist/ is missing: run `npm run build` first.');
  process.exit(2);
}
const { validatePaths, validateManifestSet } = await import('../dist/validate/index.js');
const { loadManifests } = await import('../dist/manifest/load.js');
const { discoverManifestFiles } = await import('../dist/manifest/discover.js');
const { referenceDiagnostics } = await import('../dist/validate/references.js');
const { chainDiagnostics } = await import('../dist/validate/chains.js');
const { basePathDiagnostics } = await import('../dist/validate/base-paths.js');
const { secretDiagnostics } = await import('../dist/validate/secrets.js');
const { customPolicyDiagnostics, readFromDisk } = await import('../dist/validate/custom-policies.js');

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
/** Wall-clock and CPU time (this process, all threads) of one call. */
const time = async (fn) => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await fn();
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, value };
};
const fmt = (ms) => `${ms.toFixed(0)} ms`;

/**
 * Reference for the base-path rule: the same overlaps (same path, or one inside the
 * other, segment-wise) found with a map of base paths per environment, looking up each
 * prefix of a path: O(APIs × depth) instead of O(APIs²). Returns the number of overlaps.
 */
function overlapsByPrefix(set) {
  let overlaps = 0;
  for (const env of set.environments) {
    const byPath = new Map();
    const deployed = set.apis
      .filter((a) => a.spec.environments.includes(env.name))
      .sort((a, b) => a.spec.basePath.length - b.spec.basePath.length);
    for (const api of deployed) {
      const p = api.spec.basePath;
      let clash = byPath.get('/') ?? byPath.get(p);
      for (let i = p.indexOf('/', 1); clash === undefined && i !== -1; i = p.indexOf('/', i + 1))
        clash = byPath.get(p.slice(0, i));
      if (clash !== undefined) overlaps++;
      if (!byPath.has(p)) byPath.set(p, api);
    }
  }
  return overlaps;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'tollgate-bench-validate-'));
try {
  const repo = await generateRepo(dir, { apis: APIS, perFile: PER_FILE });
  const { files } = await discoverManifestFiles([dir]);
  const texts = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  console.log(
    `bench/validate: ${repo.apis} APIs × ${repo.policiesPerApi} policies, ${repo.applications} applications, ${repo.environments} environments`,
  );
  console.log(`  ${files.length} files, ${(bytes / 1e6).toFixed(1)} MB, under ${dir}`);
  // Files with an anchor take the `yaml` path in validation: the js-yaml baseline holds only without them.
  const withAnchors = texts.filter((t) => t.includes('&')).length;
  if (withAnchors > 0)
    console.log(
      `  note: ${withAnchors} file(s) contain "&" and are parsed with the yaml package by validation, not js-yaml`,
    );
  console.log(
    `  node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${RUNS} interleaved runs each, median (the first validate run also compiles the schemas)${typeof globalThis.gc === 'function' ? ', gc between runs' : ''}`,
  );

  // Runs are interleaved (validate, parse-only, CST-only, validate, ...) so that load from
  // other processes on the machine weighs on the measures and their ratios alike.
  const gc = typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
  const validateRuns = [];
  const parseRuns = [];
  const yamlRuns = [];
  const cstRuns = [];
  const cpu = { validate: [], parse: [], yaml: [], cst: [] };
  let diagnostics = 0;
  for (let r = 0; r < RUNS; r++) {
    // 1. The whole validation, as the CLI runs it.
    gc();
    const validated = await time(() => validatePaths([dir]));
    if (!validated.value.valid || validated.value.diagnostics.length > 0) {
      console.error(
        `the generated repository should be valid; got ${validated.value.diagnostics.length} diagnostics, first: ${JSON.stringify(validated.value.diagnostics[0])}`,
      );
      process.exitCode = 1;
    }
    diagnostics = validated.value.diagnostics.length;
    validateRuns.push(validated.ms);
    cpu.validate.push(validated.cpuMs);
    validated.value = undefined;

    // 2. Baseline: js-yaml alone on the same (already read) texts, as validation parses valid files.
    gc();
    const parsed = await time(() => {
      let documents = 0;
      for (const text of texts)
        for (const value of jsyaml.loadAll(text, undefined, { schema: jsyaml.CORE_SCHEMA }))
          if (value !== undefined) documents++;
      return documents;
    });
    parseRuns.push(parsed.ms);
    cpu.parse.push(parsed.cpuMs);

    // 2b. For reference: the yaml package, the parser of files with errors or anchors.
    gc();
    const composed = await time(() => {
      let documents = 0;
      for (const text of texts) for (const doc of parseAllDocuments(text)) if (doc.toJS() !== undefined) documents++;
      return documents;
    });
    yamlRuns.push(composed.ms);
    cpu.yaml.push(composed.cpuMs);

    // 2c. For reference: the yaml package's lexer and parser only (concrete syntax tree, no documents).
    gc();
    const lexed = await time(() => {
      let tokens = 0;
      for (const text of texts) for (const _ of new Parser().parse(text)) tokens++;
      return tokens;
    });
    cstRuns.push(lexed.ms);
    cpu.cst.push(lexed.cpuMs);
  }

  // 3. Where validatePaths spends its time (one more run, phase by phase, rule by rule).
  gc();
  const load = await time(() => loadManifests([dir]));
  const set = load.value.manifests;
  const rules = [
    ['references (names, environments, contracts)', () => referenceDiagnostics(set)],
    ['chains (order, automated, characteristics, SLA)', () => chainDiagnostics(set, set.environments)],
    ['base paths (overlap)', () => basePathDiagnostics(set, set.environments)],
    ['secrets (plain text)', () => secretDiagnostics(set)],
    ['custom policies', () => customPolicyDiagnostics(set, readFromDisk)],
  ];
  const ruleTimes = [];
  for (const [name, fn] of rules) ruleTimes.push([name, (await time(fn)).ms]);
  const semantic = await time(() => validateManifestSet(set));
  const prefixMap = await time(() => overlapsByPrefix(set));
  if (prefixMap.value !== 0) console.error(`reference base-path check found ${prefixMap.value} overlaps`);

  const v = median(validateRuns);
  const p = median(parseRuns);
  const y = median(yamlRuns);
  const c = median(cstRuns);
  const range = (xs) => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
  const rows = [
    ['validatePaths (whole validation)', v, validateRuns, median(cpu.validate)],
    ['  first run (cold: schema compile, JIT)', validateRuns[0], [validateRuns[0]], cpu.validate[0]],
    ['parse only (js-yaml loadAll), the baseline', p, parseRuns, median(cpu.parse)],
    ['yaml parseAllDocuments + toJS (reference)', y, yamlRuns, median(cpu.yaml)],
    ['yaml CST only, no documents (reference)', c, cstRuns, median(cpu.cst)],
  ];
  console.log('');
  console.log(
    `${'measure (wall clock)'.padEnd(44)} ${'median'.padStart(10)} ${'min–max'.padStart(13)} ${'per API'.padStart(10)} ${'× parse'.padStart(8)} ${'CPU time'.padStart(10)}`,
  );
  for (const [name, ms, runs, cpuMs] of rows) {
    console.log(
      `${name.padEnd(44)} ${fmt(ms).padStart(10)} ${range(runs).padStart(13)} ${`${(ms / repo.apis).toFixed(3)} ms`.padStart(10)} ${(ms / p).toFixed(2).padStart(8)} ${fmt(cpuMs).padStart(10)}`,
    );
  }
  console.log(
    `(load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}; other processes on the machine inflate wall-clock figures)`,
  );
  console.log('');
  console.log('breakdown of one validatePaths run:');
  console.log(`  ${'load: read + YAML parse + schema check'.padEnd(50)} ${fmt(load.ms).padStart(10)}`);
  console.log(`  ${'semantic rules (validateManifestSet)'.padEnd(50)} ${fmt(semantic.ms).padStart(10)}`);
  for (const [name, ms] of ruleTimes) console.log(`    ${name.padEnd(48)} ${fmt(ms).padStart(10)}`);
  console.log(`  ${'reference: base-path overlap with a prefix map'.padEnd(50)} ${fmt(prefixMap.ms).padStart(10)}`);
  console.log('');
  console.log(
    `result: ${fmt(v)} for ${repo.apis} APIs (${(v / repo.apis).toFixed(3)} ms per API, ${(v / p).toFixed(2)}× the js-yaml parse alone), ${diagnostics} diagnostics; target < ${TARGET_MS} ms: ${verdict(`validatePaths median < ${TARGET_MS} ms`, v < TARGET_MS)}`,
  );
  finishVerdicts();
} finally {
  if (KEEP) console.log(`kept ${dir}`);
  else await rm(dir, { recursive: true, force: true });
}
