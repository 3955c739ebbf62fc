import type { CompiledApi } from '../chain/compiled.js';

/** Longest-prefix routing by path segments: one map lookup per segment of the request path. */
export class RouteTable {
  private readonly byBasePath: Map<string, CompiledApi>;

  constructor(readonly apis: ReadonlyMap<string, CompiledApi>) {
    this.byBasePath = new Map([...apis.values()].map((a) => [a.basePath, a]));
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
