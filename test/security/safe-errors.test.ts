import Fastify from 'fastify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { answerErrorsSafely } from '../../src/util/http-errors.js';

/** The error handler of the admin and reconcile APIs: internal detail goes to the log, never to the client. */
describe('answerErrorsSafely', () => {
  it('answers an internal error 500 with a generic message and logs the detail', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = Fastify();
    answerErrorsSafely(app, logger, 'gateway');
    app.get('/boom', async () => (null as unknown as { name: string }).name);
    app.post('/echo', async (request) => request.body);
    const res = await app.inject('/boom');
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      error: 'TG_INTERNAL',
      message: 'internal error; the details are in the gateway log',
      rule: expect.any(String),
    });
    expect(res.body).not.toMatch(/TypeError|Cannot read|null/);
    expect(lines.join('')).toMatch(/Cannot read properties of null/);

    const malformed = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"a":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({
      error: 'TG_BAD_REQUEST',
      message: expect.stringContaining('not valid JSON'),
    });
    await app.close();
  });
});
