import { alertChanges, environmentAlerts } from '../alerts/compare.js';
import { diagnostic, sortDiagnostics, type Diagnostic } from '../errors/diagnostic.js';
import { ownersOf, type Codeowners } from '../codeowners/codeowners.js';
import { defaultBase, openRepository, repositoryPath, resolveCommit, type Repository } from '../git/repository.js';
import { loadManifestTexts, type LoadResult } from '../manifest/load.js';
import type { ManifestSet } from '../manifest/types.js';
import { environmentState } from '../model/normalize.js';
import type { EnvironmentState } from '../model/types.js';
import { diffStates } from '../plan/diff.js';
import { runPolicyTests } from '../policy-tests/run-tests.js';
import { finish } from '../validate/index.js';
import { selectManifests } from '../labels/select.js';
import type { AuxiliaryReader } from '../validate/custom-policies.js';
import { readFromDisk } from '../validate/custom-policies.js';
import { replayBaseDir } from '../replay/load-sides.js';
import { replayEnvironment } from '../replay/replay-environment.js';
import type { ReplayReport } from '../replay/report.js';
import { alertFindings } from './findings/alerts.js';
import { replayFindings } from './findings/replay.js';
import { describeSide } from './summary.js';
import { environmentDrafts, FindingCollector } from './findings/detect.js';
import { HeadLocator } from './findings/locator.js';
import { addedSecretFindings } from './findings/secrets-added.js';
import type { DetectorContext } from './findings/types.js';
import { changedFiles, loadBase } from './load-base.js';
import {
  auxiliaryReaderAt,
  manifestTextsAt,
  manifestTextsOnDisk,
  readCodeowners,
  type ManifestText,
} from './read-side.js';
import type { CheckOptions, CheckReport, EnvironmentPlan, Finding } from './types.js';

/** The head: its texts, the problems reading them, and its commit (none for the working tree). */
interface Head {
  texts: ManifestText[];
  loadProblems: Diagnostic[];
  commit?: string;
}

async function readHead(repo: Repository, options: CheckOptions): Promise<Head> {
  if (options.head === undefined) {
    const { texts, diagnostics } = await manifestTextsOnDisk(options.paths, {
      followExternalLinks: options.followExternalLinks ?? false,
    });
    return { texts, loadProblems: diagnostics };
  }
  const commit = await resolveCommit(repo, options.head);
  return { texts: await manifestTextsAt(repo, commit, options.paths), loadProblems: [], commit };
}

/**
 * `tollgate check`: reads the manifests at the base and the head straight
 * from git (the working tree for a head that is not given), validates the
 * head, plans every environment from base to head offline (desired against
 * desired), flags what weakens security or precedence, and runs the policy
 * tests of the head.
 */
export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const repo = await openRepository(process.cwd());
  const baseRef = options.base ?? (await defaultBase(repo));
  const baseCommit = await resolveCommit(repo, baseRef);
  const [baseTexts, head] = await Promise.all([
    manifestTextsAt(repo, baseCommit, options.paths),
    readHead(repo, options),
  ]);

  const headLoaded = loadManifestTexts(head.texts);
  headLoaded.diagnostics.unshift(...head.loadProblems);
  const readAuxiliary: AuxiliaryReader =
    head.commit === undefined ? readFromDisk : await auxiliaryReaderAt(repo, head.commit, headLoaded.manifests);
  const validated = finish(headLoaded, { readAuxiliary, ...(options.selector ? { selector: options.selector } : {}) });
  const baseLoaded = loadBase(baseTexts, head.texts, headLoaded);
  const codeowners = await readCodeowners(repo, head.commit);

  const report: CheckReport = {
    base: { ref: baseRef, commit: baseCommit },
    head: head.commit === undefined ? { ref: 'working tree' } : { ref: options.head as string, commit: head.commit },
    directory: repositoryPath(repo, '.'),
    changedFiles: changedFiles(baseTexts, head.texts),
    validation: validated.diagnostics,
    findings: [],
    plans: [],
    tests: [],
    testsRun: false,
  };
  if (codeowners) report.codeowners = codeowners.file;
  // A head document that does not load is missing from the head: planning would show it deleted.
  if (headLoaded.diagnostics.some((d) => d.severity === 'error')) return report;

  const ctx: DetectorContext = {
    locate: new HeadLocator(headLoaded.manifests),
    rateLimitFactor: options.rateLimitFactor,
    owners: codeowners && ownersFunction(repo, codeowners),
  };
  // With a selector, both sides are what it selects: the plans and findings are about its objects only.
  const baseSet = selectManifests(baseLoaded.manifests, options.selector);
  const headSet = validated.manifests;
  const planned = planEnvironments(baseSet, headSet, ctx);
  report.plans = planned.plans;
  report.findings = sortDiagnostics([
    ...baseProblems(baseLoaded, baseCommit),
    ...planned.findings,
    ...addedSecretFindings(baseSet, headSet, new Set(report.changedFiles)),
  ]);
  if (options.tests) {
    report.tests = await runPolicyTests(headSet, { states: planned.headStates });
    report.testsRun = true;
  }
  if (options.replay) {
    report.replay = await replayBoth(
      options.replay,
      baseSet,
      headSet,
      { base: describeSide(report.base), head: describeSide(report.head) },
      options.paths,
    );
    const replayed = report.replay.flatMap(({ environment, report: r }) =>
      replayFindings(environment, r, planned.headStates.get(environment) as EnvironmentState, ctx.locate),
    );
    report.findings = sortDiagnostics([...report.findings, ...replayed]);
  }
  return report;
}

/** The records through the base and the head of each environment both define (records name their environment). */
async function replayBoth(
  files: string[],
  base: ManifestSet,
  head: ManifestSet,
  labels: { base: string; head: string },
  paths: string[],
): Promise<{ environment: string; report: ReplayReport }[]> {
  const baseEnvs = new Set(base.environments.map((e) => e.name));
  const replayed: { environment: string; report: ReplayReport }[] = [];
  for (const environment of head.environments
    .map((e) => e.name)
    .filter((n) => baseEnvs.has(n))
    .sort()) {
    const report = await replayEnvironment({
      files,
      environment,
      base: { label: labels.base, manifests: base },
      head: { label: labels.head, manifests: head },
      baseDir: replayBaseDir(paths),
    });
    replayed.push({ environment, report });
  }
  // Environments the records have nothing for are left out, unless none has any (the report then says so).
  const withRecords = replayed.filter((r) => r.report.records.replayed > 0);
  return withRecords.length ? withRecords : replayed;
}

function planEnvironments(
  base: ManifestSet,
  head: ManifestSet,
  ctx: DetectorContext,
): { plans: EnvironmentPlan[]; findings: Finding[]; headStates: Map<string, EnvironmentState> } {
  const plans: EnvironmentPlan[] = [];
  const headStates = new Map<string, EnvironmentState>();
  const collector = new FindingCollector();
  const baseEnvs = new Map(base.environments.map((e) => [e.name, e]));
  const headEnvs = new Map(head.environments.map((e) => [e.name, e]));
  const unchangedApis = sharedApiNames(base, head);
  const baseApis = new Map(base.apis.map((a) => [a.name, a]));
  const headAlerts = new Map((head.alerts ?? []).map((a) => [a.name, a]));
  const names = [...new Set([...headEnvs.keys(), ...baseEnvs.keys()])].sort();
  for (const name of names) {
    const headEnv = headEnvs.get(name);
    const baseEnv = baseEnvs.get(name);
    if (!headEnv) {
      plans.push({ environment: name, status: 'removed', changes: [], alerts: [] });
      continue;
    }
    let headState = environmentState(head, name);
    headStates.set(name, headState);
    let baseState: EnvironmentState | undefined = baseEnv && environmentState(base, name);
    // Under an unchanged environment, an Api read from an unchanged file has the same state on both sides: leave it out of the diff.
    if (baseState && baseEnv === headEnv) {
      headState = withoutApis(headState, unchangedApis);
      baseState = withoutApis(baseState, unchangedApis);
    }
    const changes = diffStates(headState, baseState);
    const [baseAlerts, envAlerts] = [environmentAlerts(base, name), environmentAlerts(head, name)];
    const alerts = alertChanges(baseAlerts, envAlerts);
    plans.push({
      environment: name,
      status: !baseEnv ? 'added' : changes.length || alerts.length ? 'changed' : 'unchanged',
      changes,
      alerts,
    });
    if (baseEnv && baseState) {
      collector.add(
        name,
        environmentDrafts({ name, base: baseEnv, head: headEnv, baseState, headState }, changes, baseApis, ctx),
      );
      collector.add(name, alertFindings(name, baseAlerts, envAlerts, headAlerts));
    }
  }
  return { plans, findings: collector.findings(), headStates };
}

/** Apis whose manifest the base shares with the head (the same parsed object: its file did not change). */
function sharedApiNames(base: ManifestSet, head: ManifestSet): Set<string> {
  const baseApis = new Set(base.apis);
  return new Set(head.apis.filter((api) => baseApis.has(api)).map((api) => api.name));
}

function withoutApis(state: EnvironmentState, names: ReadonlySet<string>): EnvironmentState {
  return { ...state, apis: state.apis.filter((api) => !names.has(api.name)) };
}

/** A base that does not load completely is compared as far as it could be read, and the report says so. */
function baseProblems(base: LoadResult, commit: string): Finding[] {
  const errors = base.diagnostics.filter((d) => d.severity === 'error');
  const first = errors[0];
  if (!first) return [];
  const where = first.file ? `${first.file}${first.line ? `:${first.line}:${first.col}` : ''}: ` : '';
  return [
    diagnostic(
      'TG_BASE_UNREADABLE',
      `the base ${commit.slice(0, 12)} has ${errors.length} load error${errors.length === 1 ? '' : 's'} (first: ${where}${first.message}); what could not be read counts as absent there`,
    ),
  ];
}

/** Owners of a file named as diagnostics name it (relative to the current directory); CODEOWNERS paths are relative to the root. */
function ownersFunction(repo: Repository, codeowners: Codeowners): (file: string) => string[] {
  return (file) => ownersOf(codeowners, repositoryPath(repo, file));
}
