import { describe, expect, it } from 'vitest';
import type { CorsConfig, OriginGroup } from '../../src/policies/cors/index.js';
import { TestClock } from '../../src/policy-tests/test-clock.js';
import { compileChain } from '../helpers/chain.js';

function group(partial: Partial<OriginGroup> & Pick<OriginGroup, 'origins'>): OriginGroup {
  return {
    accessControlMaxAge: 30,
    allowedMethods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
    headers: [],
    exposedHeaders: [],
    ...partial,
  };
}
const corsConfig = (config: Partial<CorsConfig> = {}): CorsConfig => ({
  publicResource: true,
  supportCredentials: false,
  originGroups: [],
  ...config,
});
const cors = (config: Partial<CorsConfig> = {}) => compileChain({ type: 'cors', config: corsConfig(config) });
const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: { origin, 'access-control-request-method': 'PUT', ...extra },
});

describe('cors: public resource', () => {
  it('answers any origin with "*" on actual requests, without credentials', async () => {
    const result = await (await cors()).send({ headers: { origin: 'https://anyone.example' } });
    expect(result.upstreamCalled).toBe(true);
    expect(result.headers['access-control-allow-origin']).toBe('*');
    expect(result.headers['access-control-allow-credentials']).toBeUndefined();
    expect(result.headers.vary).toBe('Origin');
  });

  it('answers preflights at the gateway with the default methods and max age, reflecting requested headers', async () => {
    const result = await (await cors()).send(
      preflight('https://anyone.example', { 'access-control-request-headers': 'content-type, x-trace' }),
    );
    expect(result.upstreamCalled).toBe(false);
    expect(result.status).toBe(204);
    expect(result.headers).toMatchObject({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT',
      'access-control-allow-headers': 'content-type, x-trace',
      'access-control-max-age': '30',
    });
    expect(String(result.headers.vary)).toContain('Origin');
  });

  it('adds nothing to requests without an Origin', async () => {
    const result = await (await cors()).send({});
    expect(Object.keys(result.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  // Reference: "every OPTIONS request is answered by the gateway and never reaches the backend".
  it('answers every OPTIONS request itself, preflight or not, with or without an Origin', async () => {
    const withOrigin = await (await cors()).send({ method: 'OPTIONS', headers: { origin: 'https://a.example' } });
    expect(withOrigin).toMatchObject({ status: 204, upstreamCalled: false });
    expect(withOrigin.headers['access-control-allow-origin']).toBe('*');
    const withoutOrigin = await (await cors()).send({ method: 'OPTIONS' });
    expect(withoutOrigin).toMatchObject({ status: 204, upstreamCalled: false });
    expect(withoutOrigin.headers['access-control-allow-origin']).toBeUndefined();
    const refused = await (
      await cors({ publicResource: false, originGroups: [group({ origins: ['https://app.example'] })] })
    ).send({ method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(refused).toMatchObject({ status: 204, upstreamCalled: false });
    expect(Object.keys(refused.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  // Reference: "allowedMethods (the full list: GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE, CONNECT; also written as {methodName, isAllowed})".
  it('accepts the {methodName, isAllowed} form of the method list', async () => {
    const chain = await cors({
      publicResource: false,
      originGroups: [
        group({
          origins: ['https://app.example'],
          allowedMethods: [
            { methodName: 'GET', isAllowed: true },
            { methodName: 'DELETE', isAllowed: false },
            'PUT',
            { methodName: 'PATCH', isAllowed: true },
          ],
        }),
      ],
    });
    const result = await chain.send(preflight('https://app.example'));
    expect(result.headers['access-control-allow-methods']).toBe('GET, PUT, PATCH');
  });
});

describe('cors: origin groups with credentials', () => {
  const config: Partial<CorsConfig> = {
    publicResource: false,
    supportCredentials: true,
    originGroups: [
      group({
        origins: ['https://app.example', 'https://admin.example'],
        accessControlMaxAge: 600,
        allowedMethods: ['GET', 'POST'],
        headers: ['Content-Type', 'X-Request-Id'],
        exposedHeaders: ['X-Total-Count'],
      }),
    ],
  };

  it('echoes a listed origin on preflight with the group settings and credentials', async () => {
    const result = await (await cors(config)).send(preflight('https://app.example'));
    expect(result.status).toBe(204);
    expect(result.headers).toMatchObject({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-methods': 'GET, POST',
      'access-control-allow-headers': 'Content-Type, X-Request-Id',
      'access-control-max-age': '600',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
  });

  it('echoes a listed origin on actual requests with exposed headers and credentials', async () => {
    const result = await (await cors(config)).send(
      { headers: { origin: 'https://admin.example' } },
      { headers: { vary: 'Accept-Encoding' } },
    );
    expect(result.headers).toMatchObject({
      'access-control-allow-origin': 'https://admin.example',
      'access-control-expose-headers': 'X-Total-Count',
      'access-control-allow-credentials': 'true',
      vary: 'Accept-Encoding, Origin',
    });
  });

  it('matches origins case-insensitively', async () => {
    const result = await (await cors(config)).send({ headers: { origin: 'https://APP.example' } });
    expect(result.headers['access-control-allow-origin']).toBe('https://APP.example');
  });

  it('gives an unlisted origin no CORS headers, on preflight and on actual requests', async () => {
    const chain = await cors(config);
    const pre = await chain.send(preflight('https://evil.example'));
    expect(pre.status).toBe(204);
    expect(pre.upstreamCalled).toBe(false);
    expect(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
    const actual = await chain.send({ headers: { origin: 'https://evil.example' } });
    expect(actual.upstreamCalled).toBe(true);
    expect(Object.keys(actual.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it('answers a wildcard group with "*" and never with credentials', async () => {
    const result = await (
      await cors({ publicResource: false, supportCredentials: false, originGroups: [group({ origins: ['*'] })] })
    ).send({
      headers: { origin: 'https://x.example' },
    });
    expect(result.headers['access-control-allow-origin']).toBe('*');
    expect(result.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('drops credentials when a public resource is (wrongly) configured with them', async () => {
    const result = await (await cors({ publicResource: true, supportCredentials: true })).send(
      preflight('https://x.example'),
    );
    expect(result.headers['access-control-allow-origin']).toBe('*');
    expect(result.headers['access-control-allow-credentials']).toBeUndefined();
  });
});

describe('cors on gateway rejections', () => {
  it('adds CORS headers to a 429 produced by a later policy', async () => {
    const chain = await compileChain(
      [
        {
          type: 'cors',
          config: corsConfig({ publicResource: false, originGroups: [group({ origins: ['https://app.example'] })] }),
        },
        {
          type: 'rate-limiting',
          name: 'limit',
          config: {
            rateLimits: [{ maximumRequests: 1, timePeriodInMilliseconds: 60_000 }],
            keySelector: { source: 'api' },
            exposeHeaders: false,
            clusterizable: true,
            failMode: 'open',
          },
        },
      ],
      // A test clock: both requests fall in one minute window.
      { clock: new TestClock() },
    );
    const init = { headers: { origin: 'https://app.example' } };
    expect((await chain.send(init)).status).toBe(200);
    const rejected = await chain.send(init);
    expect(rejected.status).toBe(429);
    expect(rejected.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(rejected.headers.vary).toBe('Origin');
  });
});
