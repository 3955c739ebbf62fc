import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.js';
import { api, environmentState, policy } from '../helpers/state.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

/**
 * JSON threat protection inspects every body an upstream may parse as JSON,
 * whatever the media type is called, however it is cased and with any
 * parameters: through a real gateway, a too-deep document is refused with 400.
 */

const TOO_DEEP = JSON.stringify({ a: { b: { c: { d: 1 } } } });

describe('json-threat-protection covers every JSON media type', () => {
  let gw: GatewayProcess;
  let upstream: TestUpstream;
  const post = async (contentType: string) => {
    const res = await request(`${gw.url}/json/x`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: TOO_DEEP,
    });
    const text = await res.body.text();
    return { status: res.statusCode, text };
  };

  beforeAll(async () => {
    upstream = await startUpstream();
    gw = await startGatewayProcess();
    const applied = await gw.applyState(
      environmentState([
        api('json', upstream.url, [policy('limits', 'json-threat-protection', { maxContainerDepth: 2 })]),
      ]),
    );
    expect(applied.status).toBe(200);
  });
  afterAll(async () => {
    await gw.stop();
    await upstream.close();
  });

  it.each([
    'application/json',
    'Application/JSON; charset=UTF-8',
    'application/json ; charset="utf-8"',
    'text/json',
    'TEXT/JSON',
    'text/json;charset=utf-8',
    'application/merge-patch+json',
    'application/vnd.api+json; ext=bulk',
    'application/problem+json',
    'APPLICATION/LD+JSON',
    'application/x-json',
    'text/x-json',
    'application/jsonrequest',
  ])('%s: 400, the upstream is not called', async (contentType) => {
    const before = upstream.seen.length;
    const res = await post(contentType);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/maxContainerDepth|depth/i);
    expect(upstream.seen.length).toBe(before);
  });

  it.each([
    'text/plain',
    'application/octet-stream',
    'application/json-seq',
    'application/x-ndjson',
    'application/jsonx',
    'application/+json',
  ])('%s is not JSON: passed on', async (contentType) => {
    expect((await post(contentType)).status).toBe(200);
  });
});
