import type { Exchange, PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import type { MessageLoggingConfig } from './index.js';
import { compileTemplate, renderTemplate } from './template.js';

const PINO_LEVEL = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/**
 * Writes one structured record per request, before and/or after the upstream
 * call. `conditional` is the module's scopedByRules: the chain compiler decides
 * with it whether rules apply.
 */
export const create: PolicyFactory<MessageLoggingConfig> = (config, ctx) => {
  const { logger } = ctx;
  const level = PINO_LEVEL[config.level];
  const parts = compileTemplate(config.message, ctx.apiName);
  const { category } = config;
  const api = ctx.apiName;
  const policy = ctx.policyName;

  const log = (exchange: Exchange, status: number | undefined, point: 'before' | 'after'): void => {
    // Checked per call, not at compile time: the logger's level may change at runtime.
    if (!logger.isLevelEnabled(level)) return;
    logger[level]({ category, api, policy, point, message: renderTemplate(parts, exchange, status) });
  };

  const handlers: PolicyHandlers = {};
  if (config.logPoint !== 'after') {
    handlers.request = (exchange) => {
      log(exchange, undefined, 'before');
      return undefined;
    };
  }
  if (config.logPoint !== 'before') {
    handlers.response = (exchange, response) => log(exchange, response.status, 'after');
  }
  return handlers;
};
