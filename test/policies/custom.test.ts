import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileChain } from '../helpers/chain.js';
import { makeExchange } from '../helpers/exchange.js';

const custom = (config: { module: string; config: Record<string, unknown> }, baseDir?: string, name = 'custom') =>
  compileChain({ type: 'custom', name, config }, baseDir === undefined ? {} : { baseDir });

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
    const chain = await custom({ module: file, config: { tag: 'blue' } });
    const exchange = makeExchange();
    const result = await chain.send(exchange);
    expect(exchange.requestHeaders['x-tag']).toBe('blue');
    expect(result.upstreamHeaders?.['x-tag']).toBe('blue');
    expect(result.headers['x-tagged']).toBe('blue');
    const denied = await chain.send({ headers: { 'x-deny': '1' } });
    expect(denied).toMatchObject({ status: 418, body: { error: 'no tea for orders' } });
    // The policy that answered does not see its own reply on the way back.
    expect(denied.headers['x-tagged']).toBeUndefined();
  });

  it('a request handler that throws answers 500 and is logged; the policies before it still see the answer', async () => {
    await writeFile(
      join(dir, 'throwing.mjs'),
      `export const create = () => ({ request() { throw new Error('bug in the policy'); } });`,
    );
    await writeFile(join(dir, 'tagging.mjs'), TAGGING_MODULE);
    const chain = await compileChain(
      [
        { type: 'custom', name: 'tagging', config: { module: './tagging.mjs', config: { tag: 'outer' } } },
        { type: 'custom', name: 'throwing', config: { module: './throwing.mjs', config: {} } },
      ],
      { baseDir: dir },
    );
    const result = await chain.send();
    expect(result).toMatchObject({ status: 500, upstreamCalled: false, body: { error: 'internal gateway error' } });
    expect(result.headers['x-tagged']).toBe('outer');
    expect(result.errors.join('\n')).toContain('bug in the policy');
  });

  it("a policy's answer keeps its own headers over those earlier policies set for every response", async () => {
    await writeFile(
      join(dir, 'marks.mjs'),
      `export const create = () => ({ request(ex) { ex.responseHeaders['x-who'] = 'earlier policy'; } });`,
    );
    await writeFile(
      join(dir, 'answers.mjs'),
      `export const create = () => ({ request: () => ({ status: 403, headers: { 'x-who': 'the answer' } }) });`,
    );
    const chain = await compileChain(
      [
        { type: 'custom', name: 'marks', config: { module: './marks.mjs', config: {} } },
        { type: 'custom', name: 'answers', config: { module: './answers.mjs', config: {} } },
      ],
      { baseDir: dir },
    );
    expect((await chain.send()).headers['x-who']).toBe('the answer');
    // On the upstream's response, the headers policies set win.
    const passing = await compileChain(
      { type: 'custom', name: 'marks', config: { module: './marks.mjs', config: {} } },
      { baseDir: dir },
    );
    expect((await passing.send({}, { headers: { 'x-who': 'upstream' } })).headers['x-who']).toBe('earlier policy');
  });

  it('resolves a relative path against ctx.baseDir and accepts a default export with create', async () => {
    await writeFile(
      join(dir, 'default-export.mjs'),
      `export default { create: (config) => ({ request: () => ({ status: config.status }) }) };`,
    );
    const chain = await custom({ module: './default-export.mjs', config: { status: 451 } }, dir);
    expect((await chain.send()).status).toBe(451);
  });

  it('awaits an asynchronous create()', async () => {
    await writeFile(
      join(dir, 'async-create.mjs'),
      `export async function create() { await new Promise((r) => setTimeout(r, 5)); return { request: () => ({ status: 202 }) }; }`,
    );
    const chain = await custom({ module: 'async-create.mjs', config: {} }, dir);
    expect((await chain.send()).status).toBe(202);
  });

  it('loads an edited module anew on the next compile', async () => {
    const file = join(dir, 'edited.mjs');
    await writeFile(file, `export const create = () => ({ request: () => ({ status: 201 }) });`);
    const first = await custom({ module: file, config: {} });
    await writeFile(file, `export const create = () => ({ request: () => ({ status: 299 }) });`);
    const later = new Date(Date.now() + 5000);
    await utimes(file, later, later);
    const second = await custom({ module: file, config: {} });
    expect((await first.send()).status).toBe(201);
    expect((await second.send()).status).toBe(299);
  });

  it('fails with a clear error when the module is missing', async () => {
    await expect(custom({ module: './missing.mjs', config: {} }, dir, 'mine')).rejects.toThrow(
      /custom policy mine: module .*missing\.mjs does not exist/,
    );
  });

  it('fails with a clear error when the module exports no create', async () => {
    await writeFile(join(dir, 'no-create.mjs'), `export const build = () => ({});`);
    await expect(custom({ module: 'no-create.mjs', config: {} }, dir)).rejects.toThrow(
      /exports no create\(config, ctx\) function/,
    );
  });

  it('fails with a clear error when the module does not load or create() returns no handlers', async () => {
    await writeFile(join(dir, 'broken.mjs'), `export function create( {`);
    await expect(custom({ module: 'broken.mjs', config: {} }, dir)).rejects.toThrow(/failed to load/);
    await writeFile(join(dir, 'bad-handlers.mjs'), `export const create = () => ({ request: 'yes' });`);
    await expect(custom({ module: 'bad-handlers.mjs', config: {} }, dir)).rejects.toThrow(
      /request that is not a function/,
    );
  });
});
