/** Headers whose values never reach a log line. */
const ALWAYS_REDACTED = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'client_secret',
]);
// Names this policy cannot know in advance (another policy's secret expression, custom tokens): redact by name.
const SECRET_LOOKING = /secret|password|passwd|token|api[-_]?key|credential/i;

/** Whether a header or query parameter a log message reads is a credential: it is written [REDACTED]. */
export function isRedacted(kind: 'header' | 'query', name: string): boolean {
  return (kind === 'header' && ALWAYS_REDACTED.has(name.toLowerCase())) || SECRET_LOOKING.test(name);
}
