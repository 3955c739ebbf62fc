import { Pool } from 'undici';
import type { UpstreamTarget } from '../chain/compiled.js';

/** One keep-alive pool per upstream origin, shared by APIs and kept across reloads. */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  target(upstream: string): UpstreamTarget {
    const url = new URL(upstream);
    let pool = this.pools.get(url.origin);
    if (!pool) {
      pool = new Pool(url.origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000, connect: { timeout: 5_000 } });
      this.pools.set(url.origin, pool);
    }
    return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, ''), pool, host: url.host };
  }

  /** Closes the pools no API uses any more (in-flight requests on them finish first). */
  async retain(origins: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [origin, pool] of this.pools) {
      if (origins.has(origin)) continue;
      this.pools.delete(origin);
      closing.push(pool.close());
    }
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    await this.retain(new Set());
  }
}
