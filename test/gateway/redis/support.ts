import { request } from 'undici';
import type { GatewayProcess } from '../../helpers/gateway-process.js';

export interface Answer {
  status: number;
  ms: number;
  headers: Record<string, string | string[] | undefined>;
}

/** One GET; how long it took is part of the answer (fail modes must never hang a request). */
export async function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  const started = performance.now();
  const res = await request(url, { headers, headersTimeout: 10_000, bodyTimeout: 10_000 });
  await res.body.dump();
  return { status: res.statusCode, ms: performance.now() - started, headers: res.headers };
}

export function countStatuses(answers: readonly Answer[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function sharedStorageStatus(gw: GatewayProcess): Promise<{
  configured: boolean;
  connected: boolean;
  endpoint?: string;
  fallbacks: { open: number; closed: number };
  outages: number;
  localRejections: number;
}> {
  const res = await gw.admin('GET', '/status');
  return res.body.sharedStorage;
}

export { DAY } from '../../helpers/durations.js';
