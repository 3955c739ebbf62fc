import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PolicyContext, PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import type { CustomConfig } from './index.js';

type CustomCreate = (config: Record<string, unknown>, ctx: PolicyContext) => PolicyHandlers | Promise<PolicyHandlers>;

/**
 * Loads the user's ES module and returns the handlers its create() builds.
 * Every failure is an Error naming the policy and the module: the gateway
 * reports it as a compile failure.
 */
export const create: PolicyFactory<CustomConfig> = async (config, ctx) => {
  const path = isAbsolute(config.module) ? config.module : resolve(ctx.baseDir, config.module);
  const where = `custom policy ${ctx.policyName}: module ${path}`;

  let version: number;
  try {
    version = (await stat(path)).mtimeMs;
  } catch {
    throw new Error(`${where} does not exist`);
  }

  let loaded: Record<string, unknown>;
  try {
    // ESM caches modules by URL: the modification time in the URL makes an edited module load anew on reload.
    loaded = (await import(`${pathToFileURL(path).href}?v=${version}`)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`${where} failed to load: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }

  const factory = findCreate(loaded);
  if (factory === undefined)
    throw new Error(`${where} exports no create(config, ctx) function (named export, or default export with create)`);

  let handlers: unknown;
  try {
    handlers = await factory(config.config, ctx);
  } catch (error) {
    throw new Error(`${where}: create() failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  checkHandlers(handlers, where);
  return handlers;
};

function findCreate(loaded: Record<string, unknown>): CustomCreate | undefined {
  if (typeof loaded.create === 'function') return loaded.create as CustomCreate;
  const fallback = loaded.default as { create?: unknown } | undefined;
  if (fallback !== null && typeof fallback === 'object' && typeof fallback.create === 'function') {
    return fallback.create.bind(fallback) as CustomCreate;
  }
  return undefined;
}

function checkHandlers(handlers: unknown, where: string): asserts handlers is PolicyHandlers {
  if (handlers === null || typeof handlers !== 'object')
    throw new Error(`${where}: create() must return an object with request/response handlers`);
  for (const name of ['request', 'response', 'dispose'] as const) {
    const handler = (handlers as Record<string, unknown>)[name];
    if (handler !== undefined && typeof handler !== 'function')
      throw new Error(`${where}: create() returned a ${name} that is not a function`);
  }
}
