import { Pool } from 'undici';
import type { UpstreamTarget } from '../chain/compiled.js';
import type { UpstreamTlsMaterial } from '../../tls/upstream-material.js';

/** TLS of an upstream as its pool connects with it, and the digest that tells pools apart. */
export interface UpstreamTls {
  material: UpstreamTlsMaterial;
  digest: string;
}

/**
 * One keep-alive pool per upstream origin and TLS settings, shared by APIs and
 * kept across reloads: a changed CA, client certificate or server name gets a
 * new pool, and the old one closes once no API uses it (its requests finish).
 */
export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  target(upstream: string, tls?: UpstreamTls): UpstreamTarget {
    const url = new URL(upstream);
    const https = url.protocol === 'https:';
    const poolKey = https && tls ? `${url.origin}\0${tls.digest}` : url.origin;
    let pool = this.pools.get(poolKey);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: 128,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        connect: { timeout: 5_000, ...(https ? connectOptions(tls?.material) : {}) },
      });
      this.pools.set(poolKey, pool);
    }
    return { origin: url.origin, poolKey, pathPrefix: url.pathname.replace(/\/+$/, ''), pool, host: url.host };
  }

  /** Closes the pools no API uses any more (in-flight requests on them finish first). */
  async retain(poolKeys: ReadonlySet<string>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, pool] of this.pools) {
      if (poolKeys.has(key)) continue;
      this.pools.delete(key);
      closing.push(pool.close());
    }
    await Promise.all(closing);
  }

  async close(): Promise<void> {
    await this.retain(new Set());
  }
}

/** Verification is on unless the API turned it off explicitly; ALPN offers http/1.1 only (the pool speaks HTTP/1.1). */
function connectOptions(material: UpstreamTlsMaterial | undefined): Record<string, unknown> {
  if (!material) return { rejectUnauthorized: true, minVersion: 'TLSv1.2' };
  return {
    rejectUnauthorized: material.rejectUnauthorized,
    minVersion: material.minVersion,
    ...(material.ca ? { ca: material.ca } : {}),
    ...(material.cert ? { cert: material.cert, key: material.key } : {}),
    ...(material.servername ? { servername: material.servername } : {}),
  };
}
