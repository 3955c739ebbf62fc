import { pino, type DestinationStream, type Logger } from 'pino';

/** Anything that may carry a credential is redacted before a log line is written. */
const REDACT = [
  'password',
  '*.password',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'req.headers.authorization',
];

export function createLogger(level = 'info', destination?: DestinationStream): Logger {
  const options = { level, base: { pid: process.pid }, redact: { paths: REDACT, censor: '[REDACTED]' } };
  return destination ? pino(options, destination) : pino(options);
}
