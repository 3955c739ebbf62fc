import { randomBytes } from 'node:crypto';
import { formatPath, type PathSegment } from '../errors/diagnostic.js';
import { durationMs } from '../manifest/formats.js';
import { locate } from '../manifest/source.js';
import type { ApiManifest } from '../manifest/types.js';
import type { ApiState, EnvironmentState } from '../model/types.js';
import { checkState } from '../gateway/state/check-state.js';
import { sealSecrets } from '../gateway/state/seal-secrets.js';
import { resolveStateSecrets } from '../secrets/resolve-state.js';
import type { MemoryRequest } from './memory-exchange.js';
import { unmetExpectations } from './expectations.js';
import { buildRequest, mergeRequests } from './request.js';
import { presentsClient, requestResolver, requestVariables, unsetSecretVariable } from './secrets.js';
import { send } from './send.js';
import { compileTestChain } from './test-chain.js';
import { TestClock } from './test-clock.js';
import type { PolicyTest, TestExpectation, TestProblem, TestRequest, TestResult, TestUpstream } from './types.js';

/** One test of one Api, to run in one environment. */
/** Policy tests seal secrets as a gateway does, with a key of this process (nothing is compared across processes). */
const TEST_KEY = randomBytes(32).toString('hex');
const sealedBefore = new Map<string, EnvironmentState>();

export interface TestTarget {
  api: ApiManifest;
  index: number;
  test: PolicyTest;
  environment: string;
  /** The environment's desired state (secrets still references). */
  state: EnvironmentState;
}

export interface RunOptions {
  /** Where ${env:NAME} references are resolved from. */
  variables: NodeJS.ProcessEnv;
  /** Directory custom-policy modules are resolved against. */
  baseDir: string;
}

/** A test as a list of steps, each with where its fields stand in the Api document. */
interface PlannedStep {
  request: TestRequest;
  /** The step's own request (before merging). */
  own: TestRequest | undefined;
  upstream: TestUpstream | undefined;
  expect: TestExpectation;
  waitMs: number;
  /** Path of the step (the test itself for a single exchange). */
  at: PathSegment[];
  /** Path of the test-level request that fields the step does not set come from. */
  inheritedAt: PathSegment[];
}

export async function runPolicyTest(target: TestTarget, options: RunOptions): Promise<TestResult> {
  const started = performance.now();
  const { api, index, test, environment } = target;
  const testAt: PathSegment[] = ['spec', 'tests', index];
  const base = {
    api: api.name,
    test: test.name,
    environment,
    index,
    where: locate(api.source, [...testAt, 'name']),
    requests: 0,
  };
  const finish = (
    outcome: TestResult['outcome'],
    problems: TestProblem[],
    extra: Partial<TestResult> = {},
  ): TestResult => ({ ...base, ...extra, outcome, problems, durationMs: performance.now() - started });
  const problemAt = (path: PathSegment[], message: string): TestProblem => ({
    message,
    where: locate(api.source, path),
    path: formatPath(path),
  });

  const apiState = target.state.apis.find((a) => a.name === api.name);
  if (!apiState)
    return finish('invalid', [
      problemAt([...testAt, 'name'], `Api "${api.name}" is not deployed to environment "${environment}"`),
    ]);
  const steps = planSteps(test, testAt);

  // Secrets: what the chain and the requests reference must be set, otherwise the test is skipped, naming them.
  const requests = steps.map((s) => s.request);
  const missing = new Set(requestVariables(requests).filter((name) => !options.variables[name]));
  const contracted = target.state.applications.filter((app) =>
    app.contracts.some((c) => c.api === apiState.name && c.version === apiState.version),
  );
  const applications = contracted.filter((app) => {
    const unset = unsetSecretVariable(app, options.variables);
    if (unset === undefined) return true;
    // An application the test never presents cannot be identified: it does without the secret.
    if (presentsClient(requests, app)) missing.add(unset);
    return false;
  });
  const enabled: ApiState = { ...apiState, chain: apiState.chain.filter((p) => p.enabled) };
  const { sharedStorage: _storage, ...settings } = target.state.environment;
  const resolved = resolveStateSecrets({ environment: settings, apis: [enabled], applications }, options.variables);
  for (const name of resolved.missing) missing.add(name);
  if (missing.size > 0 || !resolved.state) return finish('skipped', [], { missing: [...missing].sort() });
  // As the gateway receives it: checked (policy defaults filled in, on a copy) and sealed.
  const checked = checkState(structuredClone(resolved.state));
  if (!checked.state) {
    const reasons = checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
    return finish('failed', [
      problemAt([...testAt, 'name'], `the gateway would refuse the state of environment "${environment}": ${reasons}`),
    ]);
  }
  // Sealed once per value and place in this process: the tests of one Api share their secrets' scrypt digests.
  const sealed = (
    await sealSecrets(checked.state, undefined, {
      key: TEST_KEY,
      ...(sealedBefore.has(apiState.name) ? { live: sealedBefore.get(apiState.name)! } : {}),
    })
  ).state;
  sealedBefore.set(apiState.name, sealed);

  const resolver = requestResolver(options.variables);
  const built: MemoryRequest[] = [];
  for (const step of steps) {
    const request = buildRequest(step.request, apiState.basePath, resolver.resolve);
    if ('message' in request) {
      const field = request.path[0] as keyof TestRequest;
      const at = step.own?.[field] !== undefined ? [...step.at, 'request'] : step.inheritedAt;
      return finish('invalid', [problemAt([...at, ...request.path], request.message)]);
    }
    if (resolver.secrets.size > 0 && request.headers.authorization)
      resolver.secrets.add(String(request.headers.authorization));
    built.push(request);
  }
  const redact = (text: string) =>
    [...resolver.secrets].reduce((out, secret) => (secret ? out.split(secret).join('(secret)') : out), text);

  const clock = new TestClock();
  let chain;
  try {
    chain = await compileTestChain(sealed.apis[0] as ApiState, sealed.applications, clock, options.baseDir);
  } catch (err) {
    return finish('failed', [
      problemAt(
        [...testAt, 'name'],
        redact(`the chain does not compile in environment "${environment}": ${(err as Error).message}`),
      ),
    ]);
  }
  let sent = 0;
  try {
    for (const [s, step] of steps.entries()) {
      clock.advance(step.waitMs);
      const repeat = step.request.repeat ?? 1;
      for (let r = 1; r <= repeat; r++) {
        const got = await send(chain, built[s] as MemoryRequest, step.upstream);
        sent++;
        const unmet = unmetExpectations(step.expect, got, redact);
        if (unmet.length === 0) continue;
        const label = [steps.length > 1 ? `step ${s + 1}` : '', repeat > 1 ? `request ${r} of ${repeat}` : '']
          .filter(Boolean)
          .join(', ');
        return finish(
          'failed',
          unmet.map((u) => problemAt([...step.at, 'expect', ...u.path], label ? `${label}: ${u.message}` : u.message)),
          { requests: sent },
        );
      }
    }
  } finally {
    await chain.close();
  }
  return finish('passed', [], { requests: sent });
}

function planSteps(test: PolicyTest, testAt: PathSegment[]): PlannedStep[] {
  const inheritedAt = [...testAt, 'request'];
  if (!test.steps) {
    return [
      {
        request: mergeRequests(undefined, test.request),
        own: test.request,
        upstream: test.upstream,
        expect: test.expect ?? {},
        waitMs: 0,
        at: testAt,
        inheritedAt,
      },
    ];
  }
  return test.steps.map((step, j) => ({
    request: mergeRequests(test.request, step.request),
    own: step.request,
    upstream: step.upstream ?? test.upstream,
    expect: step.expect,
    waitMs: step.wait === undefined ? 0 : durationMs(step.wait),
    at: [...testAt, 'steps', j],
    inheritedAt,
  }));
}
