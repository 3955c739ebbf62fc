import type { Logger } from 'pino';
import type { CompiledApi } from './compiled.js';
import type { Exchange, Reply, ResponseView } from './types.js';

/** How far the request pass got: who answered (if anyone), and which policies the rules skipped. */
export interface RequestPass {
  answer: Reply | undefined;
  /** Index of the policy that answered, or the chain length when the request goes upstream. */
  stoppedAt: number;
  skipped: Set<number> | undefined;
}

/**
 * The request pass, in chain order. Synchronous handlers are not awaited (the
 * common case stays off the microtask queue). A thrown Reply (e.g. 413 from a
 * body read) answers like a returned one; anything else is a 500.
 */
export async function runRequestPass(api: CompiledApi, ex: Exchange, logger: Logger): Promise<RequestPass> {
  const policies = api.policies;
  let i = 0;
  let skipped: Set<number> | undefined;
  try {
    for (; i < policies.length; i++) {
      const policy = policies[i]!;
      if (policy.matches && !policy.matches(ex)) {
        (skipped ??= new Set()).add(i);
        continue;
      }
      const onRequest = policy.handlers.request;
      if (!onRequest) continue;
      const started = performance.now();
      let outcome = onRequest.call(policy.handlers, ex);
      if (outcome !== undefined && typeof (outcome as Promise<unknown>).then === 'function') outcome = await outcome;
      policy.metrics.latency.observe((performance.now() - started) / 1000);
      if (outcome) {
        const answer = outcome as Reply;
        policy.metrics.rejections.set(answer.status, (policy.metrics.rejections.get(answer.status) ?? 0) + 1);
        return { answer, stoppedAt: i, skipped };
      }
    }
  } catch (err) {
    if (isReply(err)) return { answer: err, stoppedAt: i, skipped };
    logger.error({ api: api.name, policy: policies[i]?.name, err: (err as Error).message }, 'policy failed while handling a request');
    return { answer: { status: 500, body: { error: 'internal gateway error' } }, stoppedAt: i, skipped };
  }
  return { answer: undefined, stoppedAt: policies.length, skipped };
}

/**
 * The response pass, in reverse chain order, over the policies before `stoppedAt`
 * that the rules did not skip: the policy that answered does not see its own reply.
 */
export function runResponsePass(api: CompiledApi, ex: Exchange, view: ResponseView, pass: RequestPass, logger: Logger): void {
  for (let i = pass.stoppedAt - 1; i >= 0; i--) {
    if (pass.skipped?.has(i)) continue;
    const policy = api.policies[i]!;
    if (!policy.handlers.response) continue;
    try {
      policy.handlers.response(ex, view);
    } catch (err) {
      logger.error({ api: api.name, policy: policy.name, err: (err as Error).message }, 'policy response handler failed');
    }
  }
}

export function isReply(value: unknown): value is Reply {
  return typeof value === 'object' && value !== null && !(value instanceof Error) && typeof (value as Reply).status === 'number';
}
