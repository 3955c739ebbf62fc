import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';

/**
 * Malformed transactions against a real gateway process: every answer is a
 * client error (400 malformed, 409 stale, 422 invalid) with a JSON message,
 * never a 500 and never an internal error text; the gateway keeps serving.
 */

const SEED = 11_2025;
const RUNS = 500;
const INTERNAL_TEXT =
  /TypeError|ReferenceError|RangeError|Cannot read|is not a function|is not iterable|undefined \(reading|at .+\.js:\d+/;

describe('admin API under malformed transactions', () => {
  let gw: GatewayProcess;
  let revision = 0;

  const post = async (body: string, contentType = 'application/json') => {
    const res = await fetch(`${gw.adminUrl}/transactions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': contentType },
      body,
    });
    return { status: res.status, text: await res.text() };
  };

  /** The answer must be a client error (or a success) with a JSON message and no internal text. */
  const expectClientAnswer = (answer: { status: number; text: string }, sent: string) => {
    const where = `sent ${sent.slice(0, 300)}\nanswered ${answer.status} ${answer.text.slice(0, 300)}`;
    expect([200, 400, 409, 422], where).toContain(answer.status);
    const body = JSON.parse(answer.text) as { error?: unknown; message?: unknown; revision?: number };
    if (answer.status === 200) {
      revision = body.revision ?? revision;
      return;
    }
    expect(typeof body.error, where).toBe('string');
    expect(typeof body.message, where).toBe('string');
    expect(answer.text, where).not.toMatch(INTERNAL_TEXT);
  };

  beforeAll(async () => {
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState([
        api('orders', 'http://127.0.0.1:9', [
          policy('limit', 'rate-limiting', { rateLimits: [{ maximumRequests: 5, timePeriodInMilliseconds: 1000 }] }),
        ]),
      ]),
    );
    expect(applied.status).toBe(200);
    revision = applied.body.revision as number;
  });
  afterAll(async () => {
    await gw.stop();
  });

  it('the reported cases: changes [null], a change without op, a body that is not an object', async () => {
    for (const body of [
      { expectedRevision: revision, changes: [null] },
      { expectedRevision: revision, changes: [{}] },
      { expectedRevision: revision, changes: [{ op: 'put-api' }] },
      { expectedRevision: revision, changes: [{ op: 'put-api', api: null }] },
      null,
      [],
      'x',
      7,
    ]) {
      const sent = JSON.stringify(body);
      const answer = await post(sent);
      expect(answer.status, sent).toBe(400);
      expect(JSON.parse(answer.text)).toMatchObject({
        error: 'TG_BAD_REQUEST',
        message: expect.stringContaining('not a transaction'),
        problems: expect.any(Array),
      });
      expectClientAnswer(answer, sent);
    }
    expect((await post('{"expectedRevision": 1, "changes": [')).status).toBe(400);
    expect((await post('')).status).toBe(400);
  });

  it(`${RUNS} fuzzed bodies: never 500, always a JSON message`, async () => {
    const names = fc.constantFrom('orders', 'other', '', 'x'.repeat(300), '__proto__');
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 3 }), names, fc.constant(null));
    const op = fc.constantFrom(
      'put-api',
      'delete-api',
      'put-application',
      'delete-application',
      'set-environment',
      'PUT-API',
      '',
      'drop-table',
    );
    const apiLike = fc.record(
      {
        name: junk,
        version: junk,
        basePath: fc.oneof(fc.constantFrom('/orders', '/', '//', '/a/../b'), junk),
        upstream: fc.oneof(fc.constant('http://127.0.0.1:9'), junk),
        timeoutMs: junk,
        chain: fc.oneof(fc.constant([]), fc.array(junk, { maxLength: 3 }), junk),
        slaTiers: fc.oneof(fc.constant([]), junk),
      },
      { requiredKeys: [] },
    );
    // Most changes are well-formed envelopes with junk inside, so that the engine's own checks are fuzzed too.
    const change = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record(
          { op, api: fc.oneof(apiLike, junk), name: junk, application: junk, environment: junk },
          { requiredKeys: [] },
        ),
      },
      {
        weight: 3,
        arbitrary: fc.record({
          op: fc.constant('put-api'),
          api: apiLike.map((a) => ({ ...a, name: typeof a.name === 'string' && a.name ? a.name : 'orders' })),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constantFrom('delete-api', 'delete-application'),
          name: fc.constantFrom('orders', 'ghost'),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('put-application'),
          application: fc.record(
            {
              name: fc.constantFrom('app', 'b'),
              clientId: junk,
              clientSecret: junk,
              contracts: fc.oneof(fc.array(junk, { maxLength: 2 }), junk),
            },
            { requiredKeys: ['name'] },
          ),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          op: fc.constant('set-environment'),
          environment: fc.record(
            {
              name: junk,
              precedence: fc.constantFrom('strict', 'cors-first', 'loose'),
              gatekeeper: junk,
              sharedStorage: junk,
            },
            { requiredKeys: [] },
          ),
        }),
      },
    );
    const revisionLike = fc.oneof(
      { weight: 6, arbitrary: fc.constant('current') },
      { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, 1e308, '1', null, 0) },
    );
    const body = fc.oneof(
      { weight: 1, arbitrary: junk },
      {
        weight: 5,
        arbitrary: fc.record(
          {
            expectedRevision: revisionLike,
            changes: fc.oneof(
              { weight: 5, arbitrary: fc.array(change, { minLength: 1, maxLength: 4 }) },
              { weight: 1, arbitrary: fc.array(fc.oneof(change, junk), { maxLength: 4 }) },
              { weight: 1, arbitrary: junk },
            ),
          },
          { requiredKeys: [] },
        ),
      },
      {
        weight: 3,
        arbitrary: fc.record(
          {
            expectedRevision: revisionLike,
            state: fc.oneof(
              fc.record(
                {
                  environment: fc.oneof(
                    fc.constant({ name: 'test', precedence: 'strict', gatekeeper: 'flexible' }),
                    junk,
                  ),
                  apis: fc.oneof(fc.array(fc.oneof(apiLike, junk), { maxLength: 3 }), junk),
                  applications: fc.oneof(fc.array(junk, { maxLength: 2 }), junk),
                },
                { requiredKeys: [] },
              ),
              junk,
            ),
          },
          { requiredKeys: [] },
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record(
          { expectedRevision: revisionLike, state: junk, changes: junk, source: junk },
          { requiredKeys: [] },
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(body, async (value) => {
        const sent =
          JSON.stringify(value, (key, v) => (key === 'expectedRevision' && v === 'current' ? revision : v)) ?? 'null';
        expectClientAnswer(await post(sent), sent);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // Bytes that are not JSON, and JSON under other content types.
    for (const [text, type] of [
      ['{"expectedRevision":', 'application/json'],
      ['\u0000\u00ff', 'application/json'],
      ['{}', 'text/plain'],
      ['{"a":1}', 'application/x-www-form-urlencoded'],
    ] as const) {
      const answer = await post(text, type);
      expect(answer.status, `${type} ${text}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${type} ${text}`).toBeLessThan(500);
      expect(typeof (JSON.parse(answer.text) as { message?: unknown }).message).toBe('string');
    }
    expect((await gw.admin('GET', '/healthz')).status).toBe(200);
    expect(gw.child.exitCode).toBeNull();
  }, 60_000);

  it('GET /state with repeated or odd ?apis answers the state, never 500', async () => {
    // The fuzzing before may have changed or deleted orders.
    expect((await gw.applyState(environmentState([api('orders', 'http://127.0.0.1:9')]))).status).toBe(200);
    for (const query of ['apis=orders&apis=other', 'apis=', 'apis=%00', 'apis[]=orders', 'apis=orders,,x']) {
      const res = await gw.admin('GET', `/state?${query}`);
      expect(res.status, query).toBe(200);
    }
    expect(
      (await gw.admin('GET', '/state?apis=orders&apis=x')).body.state.apis.map((a: { name: string }) => a.name),
    ).toEqual(['orders']);
  });
});
