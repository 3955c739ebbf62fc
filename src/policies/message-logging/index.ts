import type { PolicyModule } from '../sdk/index.js';
import { create } from './runtime.js';

export interface MessageLoggingConfig {
  message: string;
  conditional: boolean;
  category: string;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  logPoint: 'before' | 'after' | 'both';
}

export const messageLogging: PolicyModule<MessageLoggingConfig> = {
  type: 'message-logging',
  summary: 'Writes a structured log record per request (before and/or after the upstream call), with secrets redacted.',
  precedence: 'standard',
  provides: [],
  requires: [],
  secretFields: [],
  unordered: [],
  scopedByRules: (config) => config.conditional,
  create,
};
