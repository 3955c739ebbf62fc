import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { loadManifestTexts } from '../../src/manifest/load.js';
import { renderDiagnostics } from '../../src/output/diagnostics.js';
import { finish } from '../../src/validate/index.js';
import { Mutator, random } from './mutations.js';

/**
 * Mutation fuzzing of `validate` over the examples and the test fixtures:
 * whatever a file is turned into, validate reports problems with their
 * positions and never throws. Fixed seed and a bounded number of mutations,
 * so a failure reproduces; the report prints the mutations that caused it.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = 20_251_111;
const MUTATIONS = 3000;

interface Repository {
  name: string;
  files: { file: string; text: string }[];
  environments: string[];
}

function manifestFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) return manifestFiles(full);
      return /\.ya?ml$/.test(name) ? [full] : [];
    });
}

function repositories(): Repository[] {
  const dirs = [
    'examples/quickstart',
    'examples/multi-env',
    ...['test/fixtures/valid', 'test/fixtures/invalid'].flatMap((group) =>
      readdirSync(path.join(ROOT, group))
        .sort()
        .map((name) => `${group}/${name}`),
    ),
  ];
  return dirs.map((name) => {
    // Real paths: custom policies' modules and schemas are read next to their manifests.
    const files = manifestFiles(path.join(ROOT, name)).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    const environments = loadManifestTexts(files).manifests.environments.map((e) => e.name);
    return { name, files, environments };
  });
}

/** What is wrong with one validation's diagnostics; empty when nothing is. */
function unpositioned(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => {
    // --env naming an environment the mutated manifests no longer define is about the command line, not a file.
    if (d.code === 'TG_UNKNOWN_ENV_FILTER') return false;
    if (d.file === undefined) return d.severity === 'error';
    return !Number.isInteger(d.line) || !Number.isInteger(d.col) || (d.line ?? 0) < 1 || (d.col ?? 0) < 1;
  });
}

describe('validate under mutation', () => {
  it(`${MUTATIONS} mutations of the examples and fixtures: no crash, every error at file:line:col`, () => {
    const repos = repositories();
    const mutator = new Mutator(random(SEED));
    const crashes: string[] = [];
    const misplaced: string[] = [];
    let invalid = 0;
    for (let n = 0; n < MUTATIONS; n++) {
      // Half of the mutations go to the examples: they use every policy type, overrides and applications.
      const repo = mutator.chance(0.5) ? mutator.pick(repos.slice(0, 2)) : mutator.pick(repos.slice(2));
      const files = repo.files.map((f) => ({ ...f }));
      const what: string[] = [];
      for (let k = mutator.chance(0.2) ? 2 : 1; k > 0; k--) {
        const target = mutator.pick(files);
        const mutated = mutator.mutate(target.text);
        target.text = mutated.text;
        what.push(`${path.relative(ROOT, target.file)}: ${mutated.what.join('; ')}`);
      }
      const env = mutator.chance(0.3) && repo.environments.length ? mutator.pick(repo.environments) : undefined;
      const report = () => `#${n} ${repo.name}${env ? ` --env ${env}` : ''}\n  ${what.join('\n  ')}`;
      try {
        const result = finish(loadManifestTexts(files), env === undefined ? {} : { env });
        for (const format of ['text', 'json', 'github'] as const)
          renderDiagnostics(result.diagnostics, format, { files: files.length, color: false });
        if (!result.valid) invalid++;
        const bad = unpositioned(result.diagnostics);
        if (bad.length)
          misplaced.push(
            `${report()}\n  → ${bad.map((d) => `${d.code} ${d.file ?? '(no file)'}:${d.line}:${d.col} ${d.message}`).join('\n  → ')}`,
          );
      } catch (err) {
        crashes.push(`${report()}\n  → ${(err as Error).stack?.split('\n').slice(0, 4).join('\n    ')}`);
      }
    }
    expect(crashes.slice(0, 5), `${crashes.length} crash(es)`).toEqual([]);
    expect(misplaced.slice(0, 5), `${misplaced.length} diagnostic(s) without file:line:col`).toEqual([]);
    // The mutations must actually break things, or this test proves nothing.
    expect(invalid).toBeGreaterThan(MUTATIONS / 2);
  }, 60_000);
});
