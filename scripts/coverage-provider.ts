import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mergeProcessCovs, type ProcessCov, type ScriptCov } from '@bcoe/v8-coverage';
import v8 from '@vitest/coverage-v8';
import type { V8CoverageProvider } from '@vitest/coverage-v8/dist/provider.js';
import type { ReportContext } from 'vitest/node';

/**
 * vitest's v8 coverage, plus what the CLI processes the tests spawn ran.
 *
 * The end-to-end tests exercise most of the CLI, the data plane and the
 * reconciler in child processes (`node bin/tollgate.js …`, running dist/),
 * which vitest's coverage never sees. Each child writes its V8 coverage
 * (NODE_V8_COVERAGE, set by test/setup/child-coverage.ts) into a folder this
 * provider empties at start; at the end the dist/ scripts' coverage is
 * mapped back to src/ through tsc's source maps, and the hits are added to
 * the statements, functions and branches vitest found at the same place.
 */
export const CHILD_COVERAGE_VARIABLE = 'TOLLGATE_CHILD_COVERAGE_DIR';

const DIST = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist')).href + '/';

/** istanbul's file coverage, as far as used here (istanbul-lib-coverage has no types installed). */
interface Range {
  start: { line: number; column: number };
  end: { line: number; column: number };
}
interface FileCoverageData {
  statementMap: Record<string, Range>;
  fnMap: Record<string, { decl: Range; loc: Range }>;
  branchMap: Record<string, { loc: Range; locations: Range[] }>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}
interface CoverageMap {
  files(): string[];
  merge(data: Record<string, FileCoverageData>): void;
  fileCoverageFor(file: string): { data: FileCoverageData };
}

/** What the provider's private methods take and give, as far as used here. */
interface Remapping {
  remapCoverage(
    url: string,
    wrapperLength: number,
    sources: { code: string; map?: unknown },
    functions: ScriptCov['functions'],
  ): Promise<Record<string, FileCoverageData>>;
  isIncluded(file: string): boolean;
  options: { reportsDirectory: string };
}

async function childCoverageProvider(): Promise<V8CoverageProvider> {
  const { V8CoverageProvider } = await import('@vitest/coverage-v8/dist/provider.js');

  class ChildProcessCoverageProvider extends V8CoverageProvider {
    private get childDirectory(): string {
      return path.join((this as unknown as Remapping).options.reportsDirectory, '.children');
    }

    override async clean(clean = true): Promise<void> {
      await super.clean(clean);
      await rm(this.childDirectory, { recursive: true, force: true });
      await mkdir(this.childDirectory, { recursive: true });
      // Read by the test workers' setup file; the workers are spawned after this.
      process.env[CHILD_COVERAGE_VARIABLE] = this.childDirectory;
    }

    override async generateCoverage(context: ReportContext): Promise<CoverageMap> {
      const coverageMap = (await super.generateCoverage(context)) as CoverageMap;
      const children = await this.childCoverage();
      for (const [file, data] of Object.entries(children)) {
        if (!coverageMap.files().includes(file)) coverageMap.merge({ [file]: data });
        else addHits(coverageMap.fileCoverageFor(file).data, data);
      }
      return coverageMap;
    }

    /** The children's coverage of dist/, merged, as istanbul data of the src/ files it maps to. */
    private async childCoverage(): Promise<Record<string, FileCoverageData>> {
      if (!existsSync(this.childDirectory)) return {};
      const processes: ProcessCov[] = [];
      for (const name of await readdir(this.childDirectory)) {
        if (!name.endsWith('.json')) continue;
        const written = JSON.parse(await readFile(path.join(this.childDirectory, name), 'utf8')) as ProcessCov;
        processes.push({
          result: written.result.filter((script) => script.url.startsWith(DIST) && script.url.endsWith('.js')),
        });
      }
      const merged = mergeProcessCovs(processes);
      const remapping = this as unknown as Remapping;
      const out: Record<string, FileCoverageData> = {};
      for (const script of merged.result) {
        const file = fileURLToPath(script.url);
        const code = await readFile(file, 'utf8').catch(() => undefined);
        const mapText = await readFile(`${file}.map`, 'utf8').catch(() => undefined);
        if (code === undefined || mapText === undefined) continue;
        const map = JSON.parse(mapText) as { sources: string[] };
        map.sources = map.sources.map((source) => new URL(source, script.url).href);
        const remapped = await remapping.remapCoverage(script.url, 0, { code, map }, script.functions);
        for (const [source, data] of Object.entries(remapped)) if (remapping.isIncluded(source)) out[source] = data;
      }
      return out;
    }
  }

  return new ChildProcessCoverageProvider();
}

/**
 * Adds `from`'s hits to the items of `to` that start where they start. The two
 * were mapped from different transpilations (vite's and tsc's), so an item is
 * matched by its start in the source; an item only one side has keeps its own
 * count (never counted twice).
 */
function addHits(to: FileCoverageData, from: FileCoverageData): void {
  const at = (range: Range) => `${range.start.line}:${range.start.column}`;
  const statements = new Map(Object.entries(to.statementMap).map(([id, range]) => [at(range), id]));
  for (const [id, range] of Object.entries(from.statementMap)) {
    const target = statements.get(at(range));
    if (target !== undefined) to.s[target] = (to.s[target] ?? 0) + (from.s[id] ?? 0);
  }
  // A function by where its name (or `function`, `=>`'s parameters) starts: the two transpilers place its body differently.
  const functions = new Map(Object.entries(to.fnMap).map(([id, fn]) => [at(fn.decl), id]));
  for (const [id, fn] of Object.entries(from.fnMap)) {
    const target = functions.get(at(fn.decl));
    if (target !== undefined) to.f[target] = (to.f[target] ?? 0) + (from.f[id] ?? 0);
  }
  const branches = new Map(
    Object.entries(to.branchMap).map(([id, branch]) => [`${at(branch.loc)}/${branch.locations.length}`, id]),
  );
  for (const [id, branch] of Object.entries(from.branchMap)) {
    const target = branches.get(`${at(branch.loc)}/${branch.locations.length}`);
    const counts = to.b[target ?? ''];
    if (target === undefined || !counts) continue;
    (from.b[id] ?? []).forEach((hits, i) => (counts[i] = (counts[i] ?? 0) + hits));
  }
}

export default { ...v8, getProvider: childCoverageProvider };
