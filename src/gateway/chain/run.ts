import type { Logger } from 'pino';
import type { CompiledApi, CompiledPolicy } from './compiled.js';
import type { Exchange, Reply, ResponseView } from './types.js';

/** How far the request pass got: which policy replied (if any), and which policies the rules skipped. */
export interface RequestPass {
  reply: Reply | undefined;
  /** Index of the policy that replied, or the chain length when the request goes upstream. */
  stoppedAt: number;
  skipped: Set<number> | undefined;
}

/**
 * The request pass, in chain order. While every handler returns synchronously
 * the pass stays synchronous (no promise, no microtask: the common case); the
 * first handler that returns a promise switches it to an async continuation.
 * A thrown Reply (e.g. 413 from a body read) counts as a returned one;
 * anything else is a 500.
 */
export function runRequestPass(api: CompiledApi, ex: Exchange, logger: Logger): RequestPass | Promise<RequestPass> {
  return passFrom(api, ex, logger, 0, undefined);
}

function passFrom(
  api: CompiledApi,
  ex: Exchange,
  logger: Logger,
  from: number,
  skippedSoFar: Set<number> | undefined,
): RequestPass | Promise<RequestPass> {
  const policies = api.policies;
  let i = from;
  let skipped = skippedSoFar;
  if (i === policies.length) return { reply: undefined, stoppedAt: i, skipped };
  // One clock read per policy: where one policy's time ends, the next one's begins (its rules check included).
  let started = performance.now();
  try {
    for (; i < policies.length; i++) {
      const policy = policies[i]!;
      if (policy.matches && !policy.matches(ex)) {
        (skipped ??= new Set()).add(i);
        started = performance.now();
        continue;
      }
      const onRequest = policy.handlers.request;
      if (!onRequest) continue;
      const reply = onRequest.call(policy.handlers, ex);
      if (reply !== undefined && typeof (reply as Promise<unknown>).then === 'function') {
        return continueAfter(api, ex, logger, i, skipped, reply as Promise<Reply | undefined>, started);
      }
      const ended = performance.now();
      const done = settle(policy, reply as Reply | undefined, ended - started, i, skipped);
      if (done) return done;
      started = ended;
    }
  } catch (err) {
    return failed(api, logger, err, i, skipped);
  }
  return { reply: undefined, stoppedAt: policies.length, skipped };
}

async function continueAfter(
  api: CompiledApi,
  ex: Exchange,
  logger: Logger,
  i: number,
  skipped: Set<number> | undefined,
  pending: Promise<Reply | undefined>,
  started: number,
): Promise<RequestPass> {
  let reply: Reply | undefined;
  try {
    reply = await pending;
  } catch (err) {
    return failed(api, logger, err, i, skipped);
  }
  return (
    settle(api.policies[i]!, reply, performance.now() - started, i, skipped) ??
    passFrom(api, ex, logger, i + 1, skipped)
  );
}

/** Records the policy's latency; a Reply ends the pass. */
function settle(
  policy: CompiledPolicy,
  reply: Reply | undefined,
  elapsedMs: number,
  i: number,
  skipped: Set<number> | undefined,
): RequestPass | undefined {
  policy.metrics.latency.observe(elapsedMs / 1000);
  if (!reply) return undefined;
  policy.metrics.countStatus(reply.status);
  return { reply, stoppedAt: i, skipped };
}

function failed(
  api: CompiledApi,
  logger: Logger,
  err: unknown,
  i: number,
  skipped: Set<number> | undefined,
): RequestPass {
  if (isReply(err)) return { reply: err, stoppedAt: i, skipped };
  logger.error(
    { api: api.name, policy: api.policies[i]?.name, err: (err as Error).message },
    'policy failed while handling a request',
  );
  return { reply: { status: 500, body: { error: 'internal gateway error' } }, stoppedAt: i, skipped };
}

/**
 * The response pass, in reverse chain order, over the policies before `stoppedAt`
 * that the rules did not skip: the policy that replied does not see its own reply.
 */
export function runResponsePass(
  api: CompiledApi,
  ex: Exchange,
  view: ResponseView,
  pass: RequestPass,
  logger: Logger,
): void {
  for (let i = pass.stoppedAt - 1; i >= 0; i--) {
    if (pass.skipped?.has(i)) continue;
    const policy = api.policies[i]!;
    if (!policy.handlers.response) continue;
    try {
      policy.handlers.response(ex, view);
    } catch (err) {
      logger.error(
        { api: api.name, policy: policy.name, err: (err as Error).message },
        'policy response handler failed',
      );
    }
  }
}

export function isReply(value: unknown): value is Reply {
  return (
    typeof value === 'object' &&
    value !== null &&
    !(value instanceof Error) &&
    typeof (value as Reply).status === 'number'
  );
}
