import { describe, expect, it } from 'vitest';
import type { CompiledApi } from '../../src/gateway/chain/compiled.js';
import { RouteTable } from '../../src/gateway/data-plane/route-table.js';

const api = (name: string, basePath: string) => ({ name, basePath }) as CompiledApi;
const table = (...apis: CompiledApi[]) => new RouteTable(new Map(apis.map((a) => [a.name, a])));
const routes = (t: RouteTable, paths: string[]) => paths.map((p) => t.match(p)?.name ?? null);

describe('the route table, reload after reload', () => {
  it('routes after changes exactly as a table built from scratch', () => {
    const before = table(api('orders', '/orders'), api('users', '/users'), api('admin', '/users/admin'));
    const changes: [CompiledApi[], string[]][] = [
      // Two APIs swap their base paths in one reload.
      [[api('orders', '/users'), api('users', '/orders')], []],
      // One moves below another; one is removed; one is added where the removed one was.
      [[api('orders', '/users/v2'), api('legacy', '/users/admin')], ['admin']],
      // Removed and put again in one reload.
      [[api('users', '/people')], ['users']],
    ];
    const paths = ['/orders/1', '/users', '/users/admin/x', '/users/v2/a', '/people', '/nothing'];
    let current = before;
    for (const [put, removed] of changes) {
      const next = current.with(put, removed);
      const rebuilt = new Map(current.apis);
      for (const name of removed) rebuilt.delete(name);
      for (const a of put) rebuilt.set(a.name, a);
      expect(routes(next, paths)).toEqual(routes(new RouteTable(rebuilt), paths));
      expect([...next.apis.keys()].sort()).toEqual([...rebuilt.keys()].sort());
      current = next;
    }
    expect(routes(current, paths)).toEqual([null, null, 'legacy', 'orders', 'users', null]);
    // The table a request already holds is never changed by a reload.
    expect(routes(before, paths)).toEqual(['orders', 'users', 'admin', 'users', null, null]);
  });
});
