import type { Exchange } from '../sdk/index.js';
import { joinedHeader } from '../shared/headers.js';

/** One piece of a compiled template: literal text, or a value read from the exchange. */
export type TemplatePart = string | ((exchange: Exchange, status: number | undefined) => string);

export const REDACTED = '[REDACTED]';

/** Headers whose values never reach a log line. */
const ALWAYS_REDACTED = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'client_secret']);
// Header names this policy cannot know in advance (another policy's clientSecretName, custom tokens): redact by name.
const SECRET_LOOKING = /secret|password|passwd|token|api[-_]?key|credential/i;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9._-]+)\s*\}\}/g;

/**
 * Compiles a message template ({{method}}, {{path}}, {{status}}, {{ip}},
 * {{api}}, {{header.NAME}}) into parts once, so rendering is a join. Unknown
 * placeholders stay as written.
 */
export function compileTemplate(template: string, apiName: string, redactedHeaders: Iterable<string> = []): TemplatePart[] {
  const redacted = new Set(ALWAYS_REDACTED);
  for (const name of redactedHeaders) redacted.add(name.toLowerCase());

  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const index = match.index ?? 0;
    if (index > last) parts.push(template.slice(last, index));
    parts.push(placeholder(match[1] as string, match[0], apiName, redacted));
    last = index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return mergeLiterals(parts);
}

export function renderTemplate(parts: readonly TemplatePart[], exchange: Exchange, status: number | undefined): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : part(exchange, status);
  return out;
}

function placeholder(name: string, written: string, apiName: string, redacted: ReadonlySet<string>): TemplatePart {
  switch (name) {
    case 'method':
      return (exchange) => exchange.method;
    case 'path':
      // The path only: the query string may carry credentials.
      return (exchange) => exchange.path;
    case 'status':
      // Before the upstream call there is no status yet.
      return (_exchange, status) => (status === undefined ? '-' : String(status));
    case 'ip':
      return (exchange) => exchange.remoteAddress;
    case 'api':
      return apiName;
  }
  if (name.startsWith('header.') && name.length > 'header.'.length) {
    const header = name.slice('header.'.length).toLowerCase();
    if (redacted.has(header) || SECRET_LOOKING.test(header)) return REDACTED;
    return (exchange) => joinedHeader(exchange.requestHeaders, header) ?? '';
  }
  return written;
}

/** Adjacent literal parts (e.g. a constant {{api}}) become one. */
function mergeLiterals(parts: TemplatePart[]): TemplatePart[] {
  const merged: TemplatePart[] = [];
  for (const part of parts) {
    const previous = merged[merged.length - 1];
    if (typeof part === 'string' && typeof previous === 'string') merged[merged.length - 1] = previous + part;
    else merged.push(part);
  }
  return merged;
}
