import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';
import { schema, type MessageLoggingConfig } from './schema.js';

export type { MessageLoggingConfig };

export const messageLogging: PolicyModule<'message-logging', MessageLoggingConfig> = {
  type: 'message-logging',
  schema,
  summary: 'Writes a structured log record per request (before and/or after the upstream call), with secrets redacted.',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: [],
  scopedByRules: (config) => config.conditional,
  create,
};
