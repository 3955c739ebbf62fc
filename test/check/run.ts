import type { Diagnostic } from '../../src/errors/diagnostic.js';
import { runCli, type CliRun } from '../helpers/cli.js';

export interface CheckJson {
  base: { ref: string; commit: string };
  head: { ref: string; commit?: string };
  changedFiles: string[];
  valid: boolean;
  validation: Diagnostic[];
  findings: (Diagnostic & { environments?: string[]; owners?: { file: string; owners: string[] }[] })[];
  plans: { environment: string; status: string; changes: { kind: string; api?: string; policy?: string }[] }[];
  tests: {
    run: boolean;
    totals: { passed: number; failed: number; skipped: number };
    results: { api: string; test: string; outcome: string }[];
  };
  summary: { errors: number; warnings: number };
  exitCode: number;
}

/** `tollgate check ... --output json` in `cwd`; the parsed report with the process's exit code. */
export async function checkJson(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ run: CliRun; report: CheckJson }> {
  const run = await runCli(['check', '--output', 'json', ...args], { cwd, env });
  let report: CheckJson;
  try {
    report = JSON.parse(run.stdout) as CheckJson;
  } catch {
    throw new Error(`tollgate check printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
  return { run, report };
}

/** Findings reduced to what the tests compare. */
export function summarize(
  findings: CheckJson['findings'],
): { code: string; file?: string; line?: number; col?: number; environments?: string[] }[] {
  return findings.map((f) => {
    const out: { code: string; file?: string; line?: number; col?: number; environments?: string[] } = { code: f.code };
    if (f.file !== undefined) Object.assign(out, { file: f.file, line: f.line, col: f.col });
    if (f.environments) out.environments = f.environments;
    return out;
  });
}
