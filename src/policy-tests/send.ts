import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, Reply, ResponseView } from '../policies/sdk/index.js';
import { runRequestPass, runResponsePass } from '../gateway/chain/run.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../gateway/proxy/headers.js';
import { MemoryExchange, type MemoryRequest } from './memory-exchange.js';
import type { TestChain } from './test-chain.js';
import type { TestUpstream } from './types.js';

/** What came back to the client, and what the stub upstream saw. */
export interface Exchanged {
  status: number;
  headers: OutgoingHttpHeaders;
  upstreamCalled: boolean;
  /** The body of a policy's reply (undefined when the upstream answered). */
  body?: Reply['body'];
  /** The request headers the upstream received (when it was called). */
  upstreamHeaders?: Record<string, string | string[]>;
  /** Errors policies logged while handling it. */
  errors: string[];
}

const DEFAULT_UPSTREAM_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/**
 * One request through the compiled chain, in the order the data plane runs it
 * (src/gateway/data-plane/handle-request.ts): the request pass; a policy's
 * reply or the stub upstream's response; the response pass in reverse.
 */
export async function send(
  chain: TestChain,
  request: MemoryRequest,
  upstream: TestUpstream | undefined,
): Promise<Exchanged> {
  // Policies may change request headers (header injection): every send starts from the test's own.
  return sendExchange(chain, new MemoryExchange({ ...request, headers: { ...request.headers } }), upstream);
}

/** The same for an Exchange the caller made (unit tests that watch how policies read the body). */
export async function sendExchange(
  chain: Pick<TestChain, 'api' | 'logger' | 'takeErrors'>,
  ex: Exchange,
  upstream: TestUpstream | undefined,
): Promise<Exchanged> {
  const { api, logger } = chain;
  const passed = runRequestPass(api, ex, logger);
  const pass = passed instanceof Promise ? await passed : passed;
  if (pass.reply) {
    const view: ResponseView = {
      status: pass.reply.status,
      headers: { ...ex.responseHeaders, ...pass.reply.headers },
      shortCircuited: true,
    };
    runResponsePass(api, ex, view, pass, logger);
    return {
      status: view.status,
      headers: view.headers,
      upstreamCalled: false,
      body: pass.reply.body,
      errors: chain.takeErrors(),
    };
  }
  const upstreamHeaders = upstreamRequestHeaders(ex.requestHeaders, {
    remoteAddress: ex.remoteAddress,
    proto: 'http',
    host: ex.host,
    prefix: api.basePath,
  });
  const answered: Record<string, string> = {};
  for (const [name, value] of Object.entries(upstream?.headers ?? DEFAULT_UPSTREAM_HEADERS))
    answered[name.toLowerCase()] = String(value);
  const headers = clientResponseHeaders(answered);
  for (const name in ex.responseHeaders) headers[name] = ex.responseHeaders[name];
  const view: ResponseView = { status: upstream?.status ?? 200, headers, shortCircuited: false };
  runResponsePass(api, ex, view, pass, logger);
  return {
    status: view.status,
    headers: view.headers,
    upstreamCalled: true,
    upstreamHeaders,
    errors: chain.takeErrors(),
  };
}
