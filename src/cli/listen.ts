import { InvalidArgumentError } from 'commander';
import type { Listen } from '../gateway/start.js';

/** host:port, :port or port. */
export function parseListen(value: string): Listen {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?(\d{1,5})$/.exec(value);
  const port = Number(m?.[2]);
  if (!m || port > 65535) throw new InvalidArgumentError(`expected host:port, :port or port, got "${value}"`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '') || '0.0.0.0';
  return { host, port };
}
