/** A shared-storage URL taken apart: connection settings for the client, and tollgate's own parameters. */
export interface RedisTarget {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
  /** How long a hit may wait for Redis before the policy's failMode applies (ms). */
  timeoutMs: number;
  /** host:port, without credentials: what status and logs show. */
  endpoint: string;
}

export const DEFAULT_TIMEOUT_MS = 100;
const KNOWN_PARAMETERS = ['timeout'];

/**
 * Parses `redis://[user:password@]host[:port][/db][?timeout=ms]` (or `rediss://` for TLS).
 * Returns a message a user can act on when the URL cannot be used.
 */
export function parseRedisUrl(text: string): RedisTarget | { problem: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { problem: 'sharedStorage is not a URL; expected redis://[user:password@]host[:port][/db]' };
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return { problem: `sharedStorage must be a redis:// or rediss:// URL, not ${url.protocol}//` };
  if (!url.hostname)
    return { problem: 'sharedStorage names no host; expected redis://[user:password@]host[:port][/db]' };
  for (const name of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS.includes(name))
      return { problem: `sharedStorage: unknown URL parameter "${name}" (known: ${KNOWN_PARAMETERS.join(', ')})` };
  }
  const dbText = url.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) return { problem: `sharedStorage: the database "${dbText}" is not a number` };
  const timeoutText = url.searchParams.get('timeout');
  const timeoutMs = timeoutText === null ? DEFAULT_TIMEOUT_MS : Number(timeoutText);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 60_000)
    return {
      problem: `sharedStorage: timeout=${timeoutText} must be a whole number of milliseconds between 1 and 60000`,
    };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port === '' ? 6379 : Number(url.port);
  const target: RedisTarget = {
    host,
    port,
    tls: url.protocol === 'rediss:',
    db,
    timeoutMs,
    endpoint: `${url.hostname}:${port}`,
  };
  if (url.username) target.username = decodeURIComponent(url.username);
  if (url.password) target.password = decodeURIComponent(url.password);
  return target;
}
