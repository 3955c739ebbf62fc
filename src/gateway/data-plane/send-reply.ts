import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Reply } from '../chain/types.js';
import { http2ResponseHeaders } from '../proxy/http2-headers.js';

/** Statuses whose responses never carry a body. */
export const NO_BODY_STATUS = new Set([204, 304]);

/** Sends a Reply: a response of the gateway itself (not the upstream's): object bodies as JSON. Returns the body's size in bytes. */
export function sendReply(response: FastifyReply, reply: Reply): number {
  const headers: OutgoingHttpHeaders = { ...reply.headers };
  let body = reply.body;
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  const sent = NO_BODY_STATUS.has(reply.status) || response.request.raw.method === 'HEAD' ? undefined : body;
  response
    .code(reply.status)
    .headers(response.request.raw.httpVersionMajor === 2 ? http2ResponseHeaders(headers) : headers)
    .send(sent);
  return sent === undefined ? 0 : Buffer.isBuffer(sent) ? sent.length : Buffer.byteLength(sent);
}
