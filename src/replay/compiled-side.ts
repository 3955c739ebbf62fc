import { pino } from 'pino';
import { compileApi } from '../gateway/chain/compile.js';
import type { CompiledApi } from '../gateway/chain/compiled.js';
import { runRequestPass } from '../gateway/chain/run.js';
import { pathBelow, RouteTable } from '../gateway/data-plane/route-table.js';
import type { SealedSecret } from '../manifest/types.js';
import type { ApiState, ApplicationState, EnvironmentState, PolicyInstance } from '../model/types.js';
import { policyModule } from '../policies/catalog.js';
import type { ProvenIdentity } from '../policies/sdk/index.js';
import { isolatedServices } from '../policy-tests/isolated-services.js';
import { MemoryExchange } from '../policy-tests/memory-exchange.js';
import { unrecordedInput } from './notes.js';
import type { ReplayRecord } from './records.js';
import type { ReplaySide } from './side.js';
import type { Verdict } from './verdict.js';
import type { VirtualClock } from './virtual-clock.js';

/**
 * Stands where a secret would: replay never checks a credential (a record
 * carries the identity its request proved, not what it presented), so no
 * secret is needed, and a chain compiles as if it had them all.
 */
const NO_SECRET: SealedSecret = Object.freeze({
  kdf: 'scrypt',
  N: 16384,
  r: 8,
  p: 1,
  salt: '',
  hash: '',
}) as SealedSecret;

const EMPTY = Buffer.alloc(0);

/**
 * One environment's desired state, compiled as the gateway compiles it, for
 * replay: counters in memory on the virtual clock, nothing shared, no upstream
 * (a request the chain lets through is admitted; nothing is sent).
 */
export async function compiledSide(
  label: string,
  state: EnvironmentState,
  clock: VirtualClock,
  baseDir: string,
): Promise<ReplaySide> {
  const logger = pino({ level: 'silent' });
  const isolated = isolatedServices(logger, clock, baseDir);
  const applications = state.applications.map(withoutClientSecret);
  // Per API, its policies whose refusals come from the recording: left out of the compiled chain (they would judge inputs records lack).
  const fromRecording = new Map(
    state.apis.map((api) => [
      api.name,
      new Set(api.chain.filter((p) => p.enabled && unrecordedInput(p)).map((p) => p.name)),
    ]),
  );
  const replayable = (api: ApiState): ApiState => {
    const skipped = fromRecording.get(api.name);
    return {
      ...api,
      chain: withoutSecrets(api.chain).map((p) => (skipped?.has(p.name) ? { ...p, enabled: false } : p)),
    };
  };
  const apis = new Map<string, CompiledApi>();
  try {
    for (const api of state.apis)
      apis.set(
        api.name,
        (await compileApi(replayable(api), applications, `replay:${api.name}`, isolated.services)).compiled,
      );
  } catch (err) {
    await isolated.close();
    throw err;
  }
  const routes = new RouteTable(apis);
  const verdictOf = (
    api: CompiledApi,
    record: ReplayRecord,
    status: number | undefined,
    stoppedAt: number,
  ): Verdict => {
    if (status !== undefined) return { outcome: 'refused', status, policy: api.policies[stoppedAt]?.name ?? '(chain)' };
    const answeredBy = record.answeredBy;
    if (answeredBy !== undefined && record.api === api.name && fromRecording.get(api.name)?.has(answeredBy))
      return { outcome: 'refused', status: record.status, policy: answeredBy };
    return { outcome: 'admitted' };
  };
  return {
    label,
    route: (record) => routes.match(record.path)?.name ?? null,
    decide(record) {
      const api = routes.match(record.path);
      if (!api) return { outcome: 'unrouted' };
      const exchange = new MemoryExchange({
        method: record.method,
        path: pathBelow(api.basePath, record.path),
        search: '',
        remoteAddress: record.clientIp,
        headers: recordedHeaders(record),
        body: EMPTY,
        proven: provenIdentity(record),
      });
      const pass = runRequestPass(api, exchange, logger);
      if (pass instanceof Promise) return pass.then((p) => verdictOf(api, record, p.reply?.status, p.stoppedAt));
      return verdictOf(api, record, pass.reply?.status, pass.stoppedAt);
    },
    async close() {
      for (const api of apis.values()) for (const policy of api.policies) policy.handlers.dispose?.();
      await isolated.close();
    },
  };
}

function provenIdentity(record: ReplayRecord): ProvenIdentity {
  const proven: ProvenIdentity = {};
  if (record.client !== undefined) proven.client = record.client;
  if (record.principal !== undefined) proven.principal = record.principal;
  return proven;
}

function recordedHeaders(record: ReplayRecord): Record<string, string> {
  const headers: Record<string, string> = {};
  if (record.origin !== undefined) headers.origin = record.origin;
  if (record.forwardedFor !== undefined) headers['x-forwarded-for'] = record.forwardedFor;
  return headers;
}

function withoutSecrets(chain: readonly PolicyInstance[]): PolicyInstance[] {
  return chain.map((policy) => {
    const fields = policyModule(policy.type).secretFields.filter((f) => policy.config[f] !== undefined);
    if (fields.length === 0) return policy;
    return { ...policy, config: { ...policy.config, ...Object.fromEntries(fields.map((f) => [f, NO_SECRET])) } };
  });
}

function withoutClientSecret(app: ApplicationState): ApplicationState {
  return app.clientSecret === undefined ? app : { ...app, clientSecret: NO_SECRET };
}
