import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface LeaderLeaseOptions {
  redisUrl: string;
  /** One lease per environment. */
  environment: string;
  /** How long a lease lives without renewal; a dead leader is replaced within about this long. */
  ttlMs: number;
  logger: Logger;
  /** Called when this process becomes leader (so it applies at once) or stops being one. */
  onChange(isLeader: boolean): void;
}

// Renew or release only a lease this process holds: compare-and-act in one step on the server.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

/**
 * Leader election through a Redis lease: SET NX PX to take it, a
 * compare-and-expire script to renew it every third of its life, a
 * compare-and-delete to release it on shutdown. A leader that cannot renew
 * stops leading before its lease can have expired, so two never apply at once.
 */
export class LeaderLease {
  readonly identity = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly key: string;
  private readonly redis: Redis;
  private timer: NodeJS.Timeout | undefined;
  /** Until when this process may act as leader (local clock, with a safety margin). */
  private leaseUntil = 0;
  private leaderName: string | undefined;
  private leading = false;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.key = `tollgate:{${options.environment}}:reconciler-leader`;
    this.redis = new Redis(options.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2000,
      commandTimeout: 1000,
    });
    this.redis.on('error', () => undefined); // reported through failed attempts, once per change
  }

  async start(): Promise<void> {
    await this.redis
      .connect()
      .catch((err: Error) =>
        this.options.logger.warn({ err: err.message }, 'leader election: Redis unreachable; standing by'),
      );
    await this.attempt();
    this.schedule();
  }

  isLeader(): boolean {
    return this.leading && Date.now() < this.leaseUntil;
  }

  view(): { self: string; leader?: string; isLeader: boolean } {
    const leader = this.isLeader() ? this.identity : this.leaderName;
    return leader === undefined
      ? { self: this.identity, isLeader: false }
      : { self: this.identity, leader, isLeader: this.isLeader() };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.attempt().finally(() => this.schedule());
    }, this.options.ttlMs / 3);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    const { ttlMs } = this.options;
    const started = Date.now();
    try {
      let held: boolean;
      if (this.leading) held = (await this.redis.eval(RENEW, 1, this.key, this.identity, String(ttlMs))) === 1;
      else held = (await this.redis.set(this.key, this.identity, 'PX', ttlMs, 'NX')) === 'OK';
      // The lease was granted at the latest when the request was sent: count its life from then, minus a margin.
      if (held) this.leaseUntil = started + ttlMs * 0.8;
      this.leaderName = held ? this.identity : ((await this.redis.get(this.key)) ?? undefined);
      this.setLeading(held);
    } catch (err) {
      if (this.leading)
        this.options.logger.warn(
          { err: (err as Error).message },
          'leader election: cannot renew the lease; stepping down',
        );
      this.leaderName = undefined;
      this.setLeading(false);
    }
  }

  private setLeading(leading: boolean): void {
    if (leading === this.leading) return;
    this.leading = leading;
    this.options.logger.info(
      { identity: this.identity, environment: this.options.environment },
      leading ? 'leader election: this reconciler now leads' : 'leader election: this reconciler stands by',
    );
    this.options.onChange(leading);
  }

  /** Gives the lease up at once, so another reconciler takes over without waiting for it to expire. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.leading) await this.redis.eval(RELEASE, 1, this.key, this.identity).catch(() => undefined);
    this.leading = false;
    this.redis.disconnect();
  }
}
