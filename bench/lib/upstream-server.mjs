// The benchmark upstream: a minimal node:http server answering every request with a small
// JSON body over keep-alive. Usage: node bench/lib/upstream-server.mjs [port]
// Prints one JSON line {"msg":"upstream listening","url":...} once it listens (port 0 = any).
import { createServer } from 'node:http';

const BODY = Buffer.from(JSON.stringify({ ok: true, service: 'bench-upstream', items: [1, 2, 3] }));
const HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(BODY.length) };

const echo = process.argv[3] === 'echo';
const headersFor = (req) => {
  const rev = echo ? req.headers['x-bench-rev'] : undefined;
  return rev === undefined ? HEADERS : { ...HEADERS, 'x-bench-rev': rev };
};

const server = createServer((req, res) => {
  // Drain any request body before answering, so keep-alive connections stay usable.
  if (req.readableEnded) {
    res.writeHead(200, headersFor(req)).end(BODY);
    return;
  }
  req.resume();
  req.on('end', () => res.writeHead(200, headersFor(req)).end(BODY));
});
// Longer than the proxies' pool idle timeouts, so the upstream never closes a pooled connection first.
server.keepAliveTimeout = 65_000;
server.headersTimeout = 66_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  const { address, port } = server.address();
  console.log(JSON.stringify({ msg: 'upstream listening', url: `http://${address}:${port}` }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
