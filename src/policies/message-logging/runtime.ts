import { compileBooleanExpression, compileStringValue, type CompiledExpression } from '../expressions/index.js';
import type { Exchange, PolicyFactory, PolicyHandlers } from '../sdk/index.js';
import type { MessageLoggingConfig } from './index.js';
import { isRedacted } from './redaction.js';

const PINO_LEVEL = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

interface Item {
  name: string | undefined;
  level: (typeof PINO_LEVEL)[keyof typeof PINO_LEVEL];
  category: string | undefined;
  message: CompiledExpression<string>;
  conditional: CompiledExpression<boolean> | undefined;
}

/**
 * Writes one structured record per logging item, before the upstream call
 * (firstSection) and/or after it (secondSection), when its conditional holds.
 * Messages are compiled once; credentials they read are written [REDACTED].
 */
export const create: PolicyFactory<MessageLoggingConfig> = (config, ctx) => {
  const { logger } = ctx;
  const scope = { basePath: ctx.basePath, redact: isRedacted };
  const compile = (data: MessageLoggingConfig['loggingConfiguration'][number], name: string | undefined): Item => ({
    name,
    level: PINO_LEVEL[data.itemData.level],
    category: data.itemData.category,
    message: compileStringValue(data.itemData.message, scope),
    conditional:
      data.itemData.conditional === undefined ? undefined : compileBooleanExpression(data.itemData.conditional, scope),
  });
  const items = config.loggingConfiguration.map((item) => compile(item, item.itemName));
  const before = items.filter((_, i) => config.loggingConfiguration[i]?.itemData.firstSection);
  const after = items.filter((_, i) => config.loggingConfiguration[i]?.itemData.secondSection);
  const api = ctx.apiName;
  const policy = ctx.policyName;

  const log = (
    list: readonly Item[],
    exchange: Exchange,
    status: number | undefined,
    point: 'before' | 'after',
  ): void => {
    for (const item of list) {
      // Checked per call, not at compile time: the logger's level may change at runtime.
      if (!logger.isLevelEnabled(item.level)) continue;
      if (item.conditional !== undefined && item.conditional.evaluate(exchange, status) !== true) continue;
      const record: Record<string, unknown> = {
        api,
        policy,
        point,
        message: item.message.evaluate(exchange, status) ?? '',
      };
      if (item.category !== undefined) record.category = item.category;
      if (item.name !== undefined) record.item = item.name;
      logger[item.level](record);
    }
  };

  const handlers: PolicyHandlers = {};
  if (before.length > 0) {
    handlers.request = (exchange) => {
      log(before, exchange, undefined, 'before');
      return undefined;
    };
  }
  if (after.length > 0) handlers.response = (exchange, response) => log(after, exchange, response.status, 'after');
  return handlers;
};
