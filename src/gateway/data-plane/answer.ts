import type { OutgoingHttpHeaders } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { Reply } from '../chain/types.js';
import { http2ResponseHeaders } from '../proxy/http2-headers.js';

/** Statuses whose responses never carry a body. */
export const NO_BODY_STATUS = new Set([204, 304]);

/** Sends an answer of the gateway itself (not the upstream's): object bodies as JSON. */
export function sendAnswer(reply: FastifyReply, answer: Reply): void {
  const headers: OutgoingHttpHeaders = { ...answer.headers };
  let body = answer.body;
  if (body !== undefined && !Buffer.isBuffer(body) && typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['content-type'] ??= 'application/json; charset=utf-8';
  }
  reply.code(answer.status).headers(reply.request.raw.httpVersionMajor === 2 ? http2ResponseHeaders(headers) : headers).send(NO_BODY_STATUS.has(answer.status) ? undefined : body);
}
