import type { OutgoingHttpHeaders } from 'node:http';
import type { Reply } from '../sdk/index.js';

/**
 * A rejection with a JSON body {"error": message}. Built fresh per rejection:
 * later response handlers may add headers to it, so it must never be shared.
 */
export function jsonError(status: number, message: string, headers?: OutgoingHttpHeaders): Reply {
  return headers === undefined ? { status, body: { error: message } } : { status, headers, body: { error: message } };
}
