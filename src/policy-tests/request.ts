import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import type { PathSegment } from '../errors/diagnostic.js';
import { pathBelow } from '../gateway/data-plane/route-table.js';
import type { MemoryRequest } from './memory-exchange.js';
import type { TestRequest } from './types.js';

const DEFAULT_CLIENT_IP = '127.0.0.1';
const DEFAULT_HOST = 'localhost';

/** A step's request over the test's: headers and query merged by name, the rest replaced; repeat is the step's own. */
export function mergeRequests(base: TestRequest | undefined, step: TestRequest | undefined): TestRequest {
  const { repeat: _inherited, ...inherited } = base ?? {};
  const merged: TestRequest = { ...inherited, ...step };
  if (base?.headers || step?.headers) merged.headers = { ...base?.headers, ...step?.headers };
  if (base?.query || step?.query) merged.query = { ...base?.query, ...step?.query };
  return merged;
}

/** A request field that cannot be sent, relative to the request. */
export interface RequestProblem {
  message: string;
  path: PathSegment[];
}

/**
 * The in-memory request a test describes. `resolve` turns ${env:NAME}
 * references into their values (the caller made sure they are set).
 */
export function buildRequest(
  request: TestRequest,
  basePath: string,
  resolve: (value: string) => string,
): MemoryRequest | RequestProblem {
  const target = request.path ?? basePath;
  const q = target.indexOf('?');
  const pathname = q === -1 ? target : target.slice(0, q);
  if (!underBasePath(basePath, pathname)) {
    return { message: `path ${pathname} is not under the Api's base path ${basePath}`, path: ['path'] };
  }
  let clientIp = request.clientIp ?? DEFAULT_CLIENT_IP;
  if (clientIp.startsWith('::ffff:')) clientIp = clientIp.slice(7);
  if (isIP(clientIp) === 0) return { message: `clientIp "${clientIp}" is not an IP address`, path: ['clientIp'] };

  const search = new URLSearchParams(q === -1 ? '' : target.slice(q + 1));
  for (const [name, value] of Object.entries(request.query ?? {})) search.append(name, resolve(String(value)));

  const headers: IncomingHttpHeaders = { host: DEFAULT_HOST };
  for (const [name, value] of Object.entries(request.headers ?? {}))
    headers[name.toLowerCase()] = resolve(String(value));
  if (request.basicAuth) {
    const credentials = `${resolve(request.basicAuth.username)}:${resolve(request.basicAuth.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }
  let body = Buffer.alloc(0);
  if (typeof request.body === 'string') body = Buffer.from(resolve(request.body));
  else if (request.body !== undefined) {
    body = Buffer.from(JSON.stringify(request.body));
    headers['content-type'] ??= 'application/json';
  }
  if (body.length > 0) headers['content-length'] = String(body.length);

  return {
    method: request.method ?? 'GET',
    path: pathBelow(basePath, pathname),
    search: search.toString(),
    remoteAddress: clientIp,
    headers,
    body,
  };
}

/** The data plane's routing rule: the base path itself, or a path below it (a trailing slash allowed). */
function underBasePath(basePath: string, pathname: string): boolean {
  return basePath === '/' || pathname === basePath || pathname.startsWith(`${basePath}/`);
}
