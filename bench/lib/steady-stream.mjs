// A steady request stream, as a separate process: GETs at a fixed rate (open loop: a slow answer
// does not slow the stream down, so every stall shows as latency), over a few keep-alive
// connections. Each request's start (epoch ms), latency (ms) and status are kept; on SIGUSR2
// they are printed as one JSON line and the process exits.
//
//   node bench/lib/steady-stream.mjs <url> [--rate 400] [--connections 4] [--header 'Name: value']...
import { Pool } from 'undici';

const [url, ...rest] = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = rest.indexOf(name);
  return i === -1 ? fallback : Number(rest[i + 1]);
};
const headers = {};
rest.forEach((arg, i) => {
  if (arg !== '--header') return;
  const [name, ...value] = rest[i + 1].split(':');
  headers[name.trim().toLowerCase()] = value.join(':').trim();
});
const rate = flag('--rate', 400);
const target = new URL(url);
const pool = new Pool(target.origin, { connections: flag('--connections', 4), pipelining: 1 });
const path = target.pathname + target.search;

const capacity = 1 << 20;
const starts = new Float64Array(capacity);
const latencies = new Float64Array(capacity);
const statuses = new Uint16Array(capacity);
let count = 0;

const origin = performance.timeOrigin;
const intervalMs = 1000 / rate;
const begun = performance.now();
let sent = 0;
function tick() {
  // Catch up on every request due by now: the schedule, not the answers, sets the pace.
  const due = Math.floor((performance.now() - begun) / intervalMs);
  while (sent < due && count + (due - sent) < capacity) {
    sent++;
    const slot = count++;
    const started = performance.now();
    starts[slot] = origin + started;
    pool.request({ method: 'GET', path, headers }).then(
      async (res) => {
        await res.body.dump();
        latencies[slot] = performance.now() - started;
        statuses[slot] = res.statusCode;
      },
      () => {
        latencies[slot] = performance.now() - started;
        statuses[slot] = 0;
      },
    );
  }
}
const timer = setInterval(tick, 1);

process.on('SIGUSR2', async () => {
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const samples = [];
  for (let i = 0; i < count; i++)
    samples.push([Math.round(starts[i]), Math.round(latencies[i] * 1000) / 1000, statuses[i]]);
  process.stdout.write(JSON.stringify({ rate, samples }) + '\n', () => process.exit(0));
});
console.log(JSON.stringify({ msg: 'stream started', rate, url }));
