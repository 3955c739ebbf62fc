import { Redis } from 'ioredis';
import type { RedisTarget } from '../../manifest/redis-url.js';
import { HIT_SCRIPT, SLIDE_SCRIPT } from './redis-script.js';

/** The scripts every connection defines: one call per hit for all its stacked windows, one per sliding window. */
export interface CounterScripts {
  tollgateHit(numKeys: number, ...keysAndArgs: string[]): Promise<unknown[]>;
  tollgateSlide(numKeys: number, ...keysAndArgs: string[]): Promise<unknown[]>;
}

/** A connection to the shared storage, with the counter scripts defined. It dials at once and again after every loss. */
export function openRedis(target: RedisTarget): { client: Redis; scripts: CounterScripts } {
  const client = new Redis({
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
    // Batching is done per event-loop turn (see write-batching.ts), not per tick as auto-pipelining does.
    enableAutoPipelining: false,
    // Never queue hits while disconnected: they fall back at once instead of waiting.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: Math.max(1_000, target.timeoutMs * 10),
    // A connection that stops answering (a hung server) is dropped and dialled again.
    socketTimeout: Math.max(2_000, target.timeoutMs * 20),
    // Dial again quickly, at most once a second, forever: counting resumes within a second of Redis coming back.
    retryStrategy: (times) => Math.min(times * 100, 1_000),
    disableClientInfo: true,
    // Shows in CLIENT LIST: which connections are gateways'.
    connectionName: 'tollgate',
    keepAlive: 10_000,
  });
  client.defineCommand('tollgateHit', { lua: HIT_SCRIPT });
  client.defineCommand('tollgateSlide', { lua: SLIDE_SCRIPT });
  return { client, scripts: client as unknown as CounterScripts };
}
