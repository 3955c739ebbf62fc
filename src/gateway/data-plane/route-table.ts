import type { CompiledApi } from '../chain/compiled.js';

/** Longest-prefix routing by path segments: one map lookup per segment of the request path. */
export class RouteTable {
  private readonly byBasePath: ReadonlyMap<string, CompiledApi>;

  constructor(
    readonly apis: ReadonlyMap<string, CompiledApi>,
    byBasePath?: ReadonlyMap<string, CompiledApi>,
  ) {
    this.byBasePath = byBasePath ?? new Map([...apis.values()].map((a) => [a.basePath, a]));
  }

  /**
   * This table with `put` served (new or replacing the API of that name) and
   * `removed` gone: two map copies and the changes, not a rebuild from every
   * API, since it runs on the data plane's thread at every reload.
   */
  with(put: readonly CompiledApi[], removed: readonly string[]): RouteTable {
    const apis = new Map(this.apis);
    const byBasePath = new Map(this.byBasePath);
    const unroute = (name: string) => {
      const old = apis.get(name);
      if (old && byBasePath.get(old.basePath) === old) byBasePath.delete(old.basePath);
    };
    for (const name of removed) {
      unroute(name);
      apis.delete(name);
    }
    for (const api of put) {
      unroute(api.name);
      apis.set(api.name, api);
      byBasePath.set(api.basePath, api);
    }
    return new RouteTable(apis, byBasePath);
  }

  /** The API serving `pathname` (no query), or undefined. */
  match(pathname: string): CompiledApi | undefined {
    let candidate = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    for (;;) {
      const api = this.byBasePath.get(candidate);
      if (api) return api;
      if (candidate === '/' || candidate === '') return undefined;
      const cut = candidate.lastIndexOf('/');
      candidate = cut <= 0 ? '/' : candidate.slice(0, cut);
    }
  }
}

/** Path below the base path, always starting with '/'. */
export function pathBelow(basePath: string, pathname: string): string {
  if (basePath === '/') return pathname;
  const rest = pathname.slice(basePath.length);
  return rest === '' ? '/' : rest;
}
