// Drives bench/lib/steady-stream.mjs from a benchmark: start it, cut its samples into phases.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, waitForLine } from './proc.mjs';
import { quantile } from './table.mjs';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'steady-stream.mjs');

export async function startStream(url, { rate = 400, connections = 4, headers = {} } = {}) {
  const args = [SCRIPT, url, '--rate', String(rate), '--connections', String(connections)];
  for (const [name, value] of Object.entries(headers)) args.push('--header', `${name}: ${value}`);
  const child = startChild('steady-stream', process.execPath, args);
  await waitForLine(child, (line) => (line.includes('"stream started"') ? true : undefined), 10_000);
  return {
    /** Stops the stream and returns its samples: [startEpochMs, latencyMs, status][]. */
    async stop() {
      const result = waitForLine(child, (line) => (line.startsWith('{"rate"') ? JSON.parse(line) : undefined), 30_000);
      child.kill('SIGUSR2');
      return (await result).samples;
    },
  };
}

/** The samples of requests started within [from, to) (epoch ms): latency quantiles, max and errors (non-2xx). */
export function phaseOf(samples, from, to) {
  const inPhase = samples.filter(([t]) => t >= from && t < to);
  const latencies = inPhase.map(([, ms]) => ms).sort((a, b) => a - b);
  return {
    requests: inPhase.length,
    errors: inPhase.filter(([, , status]) => status < 200 || status > 299).length,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? 0,
  };
}
