// Baseline (c): a bare fastify + @fastify/reply-from reverse proxy, no policies.
// Usage: node bench/lib/reply-from-proxy.mjs <upstream-url> [port]
// Prints one JSON line {"msg":"proxy listening","url":...} once it listens.
import Fastify from 'fastify';
import replyFrom from '@fastify/reply-from';

const upstream = process.argv[2];
if (!upstream) {
  console.error('usage: node bench/lib/reply-from-proxy.mjs <upstream-url> [port]');
  process.exit(2);
}

const app = Fastify({ logger: false });
// Same pool shape as tollgate's (src/gateway/proxy/pools.ts): 128 keep-alive connections, no pipelining.
await app.register(replyFrom, {
  base: upstream,
  undici: { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 },
});
// Bodies pass through unparsed, as in tollgate's data plane.
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
const handler = (request, reply) => reply.from(request.url);
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
app.route({ method: methods, url: '/', handler });
app.route({ method: methods, url: '/*', handler });

const url = await app.listen({ host: '127.0.0.1', port: Number(process.argv[3] ?? 0) });
console.log(JSON.stringify({ msg: 'proxy listening', url }));
const stop = () => app.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
