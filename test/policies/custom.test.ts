import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create } from '../../src/policies/custom/runtime.js';
import { makeContext, makeExchange, runChain } from '../helpers/exchange.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tollgate-custom-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TAGGING_MODULE = `
export function create(config, ctx) {
  return {
    request(exchange) {
      if (exchange.requestHeaders['x-deny'] !== undefined) return { status: 418, body: { error: 'no tea for ' + ctx.apiName } };
      exchange.requestHeaders['x-tag'] = config.tag;
      return undefined;
    },
    response(exchange, response) {
      response.headers['x-tagged'] = config.tag;
    },
  };
}
`;

describe('custom', () => {
  it('loads a module by absolute path and runs the handlers its create() returns with config.config', async () => {
    const file = join(dir, 'tagging.mjs');
    await writeFile(file, TAGGING_MODULE);
    const handlers = await create({ module: file, config: { tag: 'blue' } }, makeContext({ apiName: 'orders' }).ctx);
    const exchange = makeExchange();
    const result = await runChain([handlers], exchange);
    expect(exchange.requestHeaders['x-tag']).toBe('blue');
    expect(result.headers['x-tagged']).toBe('blue');
    const denied = await runChain([handlers], makeExchange({ headers: { 'x-deny': '1' } }));
    expect(denied).toMatchObject({ status: 418, body: { error: 'no tea for orders' } });
  });

  it('resolves a relative path against ctx.baseDir and accepts a default export with create', async () => {
    await writeFile(join(dir, 'default-export.mjs'), `export default { create: (config) => ({ request: () => ({ status: config.status }) }) };`);
    const handlers = await create({ module: './default-export.mjs', config: { status: 451 } }, makeContext({ baseDir: dir }).ctx);
    expect((await runChain([handlers], makeExchange())).status).toBe(451);
  });

  it('awaits an asynchronous create()', async () => {
    await writeFile(join(dir, 'async-create.mjs'), `export async function create() { await new Promise((r) => setTimeout(r, 5)); return { request: () => ({ status: 202 }) }; }`);
    const handlers = await create({ module: 'async-create.mjs', config: {} }, makeContext({ baseDir: dir }).ctx);
    expect((await runChain([handlers], makeExchange())).status).toBe(202);
  });

  it('loads an edited module anew on the next compile', async () => {
    const file = join(dir, 'edited.mjs');
    await writeFile(file, `export const create = () => ({ request: () => ({ status: 201 }) });`);
    const first = await create({ module: file, config: {} }, makeContext().ctx);
    await writeFile(file, `export const create = () => ({ request: () => ({ status: 299 }) });`);
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const second = await create({ module: file, config: {} }, makeContext().ctx);
    expect((await runChain([first], makeExchange())).status).toBe(201);
    expect((await runChain([second], makeExchange())).status).toBe(299);
  });

  it('fails with a clear error when the module is missing', async () => {
    await expect(create({ module: './missing.mjs', config: {} }, makeContext({ baseDir: dir, policyName: 'mine' }).ctx)).rejects.toThrow(
      /custom policy mine: module .*missing\.mjs does not exist/,
    );
  });

  it('fails with a clear error when the module exports no create', async () => {
    await writeFile(join(dir, 'no-create.mjs'), `export const build = () => ({});`);
    await expect(create({ module: 'no-create.mjs', config: {} }, makeContext({ baseDir: dir }).ctx)).rejects.toThrow(/exports no create\(config, ctx\) function/);
  });

  it('fails with a clear error when the module does not load or create() returns no handlers', async () => {
    await writeFile(join(dir, 'broken.mjs'), `export function create( {`);
    await expect(create({ module: 'broken.mjs', config: {} }, makeContext({ baseDir: dir }).ctx)).rejects.toThrow(/failed to load/);
    await writeFile(join(dir, 'bad-handlers.mjs'), `export const create = () => ({ request: 'yes' });`);
    await expect(create({ module: 'bad-handlers.mjs', config: {} }, makeContext({ baseDir: dir }).ctx)).rejects.toThrow(/request that is not a function/);
  });
});
