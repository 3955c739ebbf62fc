import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Reply } from '../chain/types.js';
import { http2ResponseHeaders } from '../proxy/http2-headers.js';

/** Statuses whose responses never carry a body. */
export const NO_BODY_STATUS = new Set([204, 304]);

/** Sends an answer of the gateway itself (not the upstream's): object bodies as JSON. Returns the body's size in bytes. */
export function sendAnswer(reply: FastifyReply, answer: Reply): number {
  const headers: OutgoingHttpHeaders = { ...answer.headers };
  let body = answer.body;
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  const sent = NO_BODY_STATUS.has(answer.status) || reply.request.raw.method === 'HEAD' ? undefined : body;
  reply.code(answer.status).headers(reply.request.raw.httpVersionMajor === 2 ? http2ResponseHeaders(headers) : headers).send(sent);
  return sent === undefined ? 0 : Buffer.isBuffer(sent) ? sent.length : Buffer.byteLength(sent);
}
