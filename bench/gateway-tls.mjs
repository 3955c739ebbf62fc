// TLS and HTTP/2 benchmark, in one run:
//   (a) nginx, plain HTTP  vs  (b) nginx, HTTPS        (one nginx, both ports, the same certificate as tollgate)
//   (c) tollgate, plain HTTP vs (d) tollgate, HTTPS    (one gateway, --listen and --listen-tls, one Api, no policies)
//   through tollgate's TLS listener with h2load: (e) HTTP/1.1 (--h1) vs (f) HTTP/2, one stream per connection,
//   and (g) HTTP/2 with 10 streams on each of 5 connections (the same 50 requests in flight).
// wrk for (a)-(d) (keep-alive connections: what TLS costs per request once connected), h2load for (e)-(g).
//
//   npm run build && node bench/gateway-tls.mjs [--seconds 10] [--warmup 3] [--connections 50] [--rounds 1] [--markdown]
//
// Target: TLS costs tollgate no more, relative to its plain-HTTP figure, than it costs nginx: (d)/(c) >= (b)/(a).
// Exits 1 when the target is MISSED (as the other benchmarks do).
// Setup (wrk, nginx-light, nghttp2-client for h2load): bash bench/setup.sh
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { numberFlags } from './lib/args.mjs';
import { cleanupNow } from './lib/cleanup.mjs';
import { groupCpuSeconds } from './lib/cpu.mjs';
import { fmt, formatMarkdownTable, formatTable, median } from './lib/table.mjs';
import { makeTmpDir } from './lib/tmp.mjs';
import { expect200, startUpstream, TOLLGATE_ROOT } from './lib/targets.mjs';
import {
  benchCertificate,
  h2loadVersion,
  httpsGet,
  runH2load,
  startNginxTls,
  startTollgateTls,
  writeTlsManifests,
} from './lib/tls-targets.mjs';
import { runWrk, wrkVersion } from './lib/wrk.mjs';

const opts = numberFlags({ seconds: 10, warmup: 3, connections: 50, rounds: 1, markdown: false });
const PATH = '/bench/items';

async function main() {
  const wrk = wrkVersion();
  const h2load = await h2loadVersion();
  const tmp = await makeTmpDir('tollgate-bench-tls-');
  const files = await benchCertificate(path.join(tmp, 'certs'));
  const cert = { ...files, ca: readFileSync(files.caFile, 'utf8') };
  const upstream = await startUpstream();
  try {
    const expectedBody = (await expect200('upstream', upstream.url + PATH, {})).body;
    const configDir = path.join(tmp, 'manifests');
    await writeTlsManifests(configDir, [{ name: 'bench', basePath: '/bench', upstream: upstream.url }], cert);
    console.log(`tollgate: ${TOLLGATE_ROOT}`);
    console.log(
      `TLS benchmark: ${cpus().length} cores (${cpus()[0]?.model.trim()}), node ${process.version}, ${wrk}, ${h2load}`,
    );
    console.log(`certificate: P-256 ECDSA for localhost (both servers), TLS 1.3 negotiated by both clients`);
    console.log(
      `load: wrk -t1 -c${opts.connections} -d${opts.seconds}s (after ${opts.warmup}s warm-up) for (a)-(d); h2load -t1 -c${opts.connections} -m1 -D${opts.seconds} [--h1] for (e)/(f), -c5 -m10 for (g)`,
    );
    console.log(
      "note: the load generator, the target and the upstream share the machine's cores; compare ratios. CPU/req: the target's own processes.\n",
    );

    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const names = {
      a: '(a) nginx, HTTP',
      b: '(b) nginx, HTTPS',
      c: '(c) tollgate, HTTP',
      d: '(d) tollgate, HTTPS',
      e: '(e) tollgate, HTTPS, h1 (h2load)',
      f: '(f) tollgate, HTTPS, h2 -m1',
      g: '(g) tollgate, HTTPS, h2 -c5 -m10',
    };
    const results = new Map(ids.map((id) => [id, []]));
    const measure = async (id, child, run) => {
      if (opts.warmup > 0) await run(opts.warmup);
      const before = groupCpuSeconds(child.pid);
      const result = await run(opts.seconds);
      const after = groupCpuSeconds(child.pid);
      if (result.non2xx > 0 || result.failed > 0 || result.socketErrorCount > 0)
        throw new Error(`${names[id]}: failed requests:\n${result.raw}`);
      result.cpuUs = before === undefined ? NaN : ((after - before) * 1e6) / result.requests;
      results.get(id).push(result);
      console.log(
        `  ${names[id].padEnd(34)} ${fmt.int(result.rps).padStart(8)} req/s   ${fmt.us(result.cpuUs)} CPU/req${result.protocol ? `   (${result.protocol})` : ''}`,
      );
    };
    const wrkAt = (url) => (seconds) => runWrk({ url, threads: 1, connections: opts.connections, seconds });
    for (let round = 1; round <= opts.rounds; round++) {
      console.log(`round ${round}:`);
      const nginx = await startNginxTls(upstream.url, path.join(tmp, `nginx-${round}`), cert);
      try {
        await expect200('nginx', nginx.url + PATH, {}, expectedBody);
        if ((await httpsGet(nginx.tlsUrl + PATH, cert.ca)).body !== expectedBody)
          throw new Error('nginx over TLS did not answer with the upstream body');
        await measure('a', nginx.child, wrkAt(nginx.url + PATH));
        await measure('b', nginx.child, wrkAt(nginx.tlsUrl + PATH));
      } finally {
        await nginx.stop();
      }
      const gateway = await startTollgateTls({ configDir, stateDir: path.join(tmp, `state-${round}`) });
      try {
        await expect200('tollgate', gateway.url + PATH, {}, expectedBody);
        const viaTls = await httpsGet(gateway.tlsUrl + PATH, cert.ca);
        if (viaTls.status !== 200 || viaTls.body !== expectedBody)
          throw new Error(`tollgate over TLS answered ${viaTls.status}: ${viaTls.body.slice(0, 200)}`);
        const tlsUrl = gateway.tlsUrl.replace('127.0.0.1', 'localhost') + PATH;
        await measure('c', gateway.child, wrkAt(gateway.url + PATH));
        await measure('d', gateway.child, wrkAt(tlsUrl));
        await measure('e', gateway.child, (seconds) =>
          runH2load({ url: tlsUrl, connections: opts.connections, streams: 1, seconds, h1: true }),
        );
        await measure('f', gateway.child, (seconds) =>
          runH2load({ url: tlsUrl, connections: opts.connections, streams: 1, seconds }),
        );
        await measure('g', gateway.child, (seconds) =>
          runH2load({ url: tlsUrl, connections: 5, streams: 10, seconds }),
        );
      } finally {
        await gateway.stop();
      }
    }

    const rows = ids.map((id) => ({
      name: names[id],
      rps: median(results.get(id).map((r) => r.rps)),
      cpuUs: median(results.get(id).map((r) => r.cpuUs)),
      requests: results.get(id).reduce((n, r) => n + r.requests, 0),
    }));
    const columns = [
      { key: 'name', title: 'target', align: 'left' },
      { key: 'rps', title: 'req/s', format: fmt.int },
      { key: 'cpuUs', title: 'CPU/req', format: fmt.us },
      { key: 'requests', title: opts.rounds > 1 ? 'requests (all rounds)' : 'requests', format: fmt.int },
    ];
    console.log(
      `\nresults${opts.rounds > 1 ? ` (median of ${opts.rounds} rounds)` : ''}: no failed or non-2xx responses\n`,
    );
    console.log(formatTable(rows, columns));
    const ratio = (x, y, key = 'rps') => median(results.get(x).map((r, i) => r[key] / results.get(y)[i][key]));
    const cpuRatio = (x, y) => median(results.get(y).map((r, i) => r.cpuUs / results.get(x)[i].cpuUs));
    const nginxTls = ratio('b', 'a');
    const tollgateTls = ratio('d', 'c');
    console.log('\nratios (req/s; in brackets the same from CPU time per request of the target):');
    console.log(`  HTTPS vs HTTP, nginx     (b)/(a) ${fmt.ratio(nginxTls)}  [${fmt.ratio(cpuRatio('b', 'a'))}]`);
    console.log(
      `  HTTPS vs HTTP, tollgate  (d)/(c) ${fmt.ratio(tollgateTls)}  [${fmt.ratio(cpuRatio('d', 'c'))}]   target >= (b)/(a): ${tollgateTls >= nginxTls ? 'met' : 'MISSED'}`,
    );
    console.log(`  tollgate vs nginx, HTTPS (d)/(b) ${fmt.ratio(ratio('d', 'b'))}  [${fmt.ratio(cpuRatio('d', 'b'))}]`);
    console.log(`  h2 vs HTTP/1.1, tollgate (f)/(e) ${fmt.ratio(ratio('f', 'e'))}  [${fmt.ratio(cpuRatio('f', 'e'))}]`);
    console.log(`  h2 multiplexed vs h1     (g)/(e) ${fmt.ratio(ratio('g', 'e'))}  [${fmt.ratio(cpuRatio('g', 'e'))}]`);
    if (opts.markdown) console.log('\n' + formatMarkdownTable(rows, columns));
    if (tollgateTls < nginxTls) process.exitCode = 1;
  } finally {
    await upstream.stop();
  }
}

try {
  await main();
} catch (err) {
  console.error(`\nbench/gateway-tls.mjs FAILED: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  cleanupNow();
}
