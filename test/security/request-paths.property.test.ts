import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompiledApi } from '../../src/gateway/chain/compiled.js';
import { compileRules } from '../../src/gateway/chain/rules.js';
import type { Exchange } from '../../src/policies/sdk/index.js';
import { isRejection, normalizeRequestPath } from '../../src/gateway/data-plane/request-path.js';
import { RouteTable, pathBelow } from '../../src/gateway/data-plane/route-table.js';

// Pieces that spell the same path many ways: dots and their encodings, slashes, encoded letters, reserved characters.
const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '.%2e',
  '%2e.',
  'admin',
  '%61dmin',
  'adm%69n',
  'ADMIN',
  'public',
  'private',
  'p%72ivate',
  'users',
  'x',
  '~',
  '%7e',
  '%7E',
  ';v=1',
  '%25',
  '%2561',
  '%20',
  '{',
  '}',
  '|',
  'a.json',
  '%2ejson',
  '-',
  '_',
];
const BASE_PATHS = ['/', '/public', '/private', '/private/admin', '/a'];
const RULES = ['^/admin', '/users$', '^/x/admin', '\\.json$', '^/private'];

const table = new RouteTable(
  new Map(BASE_PATHS.map((basePath) => [basePath, { name: basePath, basePath } as CompiledApi])),
);
const rules = RULES.map((path) => compileRules([{ path }])!);

/** Which API serves `path`, and which rule-scoped policies apply to it. */
function decision(path: string): { api: string | undefined; policies: boolean[] } {
  const api = table.match(path);
  if (!api) return { api: undefined, policies: [] };
  const ex = {
    method: 'GET',
    host: 'h',
    requestHeaders: {},
    path: pathBelow(api.basePath, path),
  } as unknown as Exchange;
  return { api: api.name, policies: rules.map((matches) => matches(ex)) };
}

/** What an upstream that decodes the path it receives once sees (RFC 3986 §2.1): no gateway decision may change under it. */
function decodedOnce(path: string): string {
  return path.replace(/%([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** RFC 3986 §5.2.4 remove_dot_segments, with empty segments merged, on an already decoded path. */
function withoutDotSegments(path: string): string {
  const out: string[] = [];
  const segments = path.split('/').slice(1);
  segments.forEach((segment) => {
    if (segment === '..') out.pop();
    else if (segment !== '.' && segment !== '') out.push(segment);
  });
  const last = segments.at(-1);
  return `/${out.join('/')}${out.length > 0 && (last === '' || last === '.' || last === '..') ? '/' : ''}`;
}

const paths = fc
  .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 12 })
  .map((pieces) => `/${pieces.join('')}`);

describe('one normalized path (property)', () => {
  it('normalizing is idempotent: the upstream receives a path that normalizes to itself', () => {
    fc.assert(
      fc.property(paths, (raw) => {
        const once = normalizeRequestPath(raw);
        if (isRejection(once)) return;
        expect(normalizeRequestPath(once)).toBe(once);
      }),
      { numRuns: 5000, seed: 11 },
    );
  });

  it('the API and the policies that apply are the same for the path the upstream receives, read as it reads it', () => {
    fc.assert(
      fc.property(paths, (raw) => {
        const normalized = normalizeRequestPath(raw);
        if (isRejection(normalized)) return;
        const seenByGateway = decision(normalized);
        // The upstream's own view of the same path: decoded once, then its dot and empty segments resolved.
        expect(decision(withoutDotSegments(decodedOnce(normalized)))).toEqual(seenByGateway);
      }),
      { numRuns: 5000, seed: 12 },
    );
  });

  it('every spelling of a dot segment or an encoded unreserved character routes like its plain form', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('/private/admin', '/public/users', '/a/x/admin'),
        fc.array(fc.constantFrom('/.', '/%2e', '/x/..', '/x/%2e%2E', '/'), { maxLength: 4 }),
        (plain, detour) => {
          const spelled = `${detour.join('')}${plain}`.replace(/admin/g, '%61dm%69n');
          const normalized = normalizeRequestPath(spelled);
          expect(normalized).toBe(plain);
        },
      ),
      { numRuns: 2000, seed: 13 },
    );
  });
});
