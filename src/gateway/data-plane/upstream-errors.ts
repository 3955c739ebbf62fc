import type { Logger } from 'pino';
import { errors as undiciErrors } from 'undici';
import type { CompiledApi } from '../chain/compiled.js';
import type { Reply } from '../chain/types.js';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * A keep-alive connection the upstream closed while idle: a bodiless idempotent
 * request that failed on it is safe to send again (once, the caller's rule).
 */
export function canResend(method: string, hasBody: boolean, err: Error): boolean {
  if (hasBody || !IDEMPOTENT.has(method)) return false;
  const code = (err as { code?: string }).code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** The gateway's answer when the upstream did not answer: 504 for a timeout, 502 otherwise. */
export function upstreamFailure(err: Error, api: CompiledApi, logger: Logger): Reply {
  const timedOut =
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    (err as { code?: string }).code === 'UND_ERR_CONNECT_TIMEOUT';
  logger.warn(
    { api: api.name, upstream: api.upstream.origin, err: err.message },
    timedOut ? 'upstream timed out' : 'upstream unreachable',
  );
  return timedOut
    ? { status: 504, body: { error: `upstream did not answer within ${api.timeoutMs} ms` } }
    : { status: 502, body: { error: 'upstream unreachable' } };
}
