// Running wrk and reading its report.
import { execFileSync } from 'node:child_process';
import { startChild } from './proc.mjs';

export function wrkVersion() {
  try {
    // wrk -v prints its banner and exits 1.
    return execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n')[0];
  } catch (err) {
    const out = `${err.stdout ?? ''}${err.stderr ?? ''}`;
    if (/wrk/.test(out)) return out.split('\n')[0].replace(/ Copyright.*/, '').trim();
    throw new Error('wrk is not installed: run bash bench/setup.sh');
  }
}

/**
 * Runs `wrk -t<threads> -c<connections> -d<seconds>s --latency [-H ...] url` and parses its report.
 * Returns { rps, p50Ms, p99Ms, requests, non2xx, socketErrors, raw }.
 */
export async function runWrk({ url, threads = 1, connections = 50, seconds = 10, headers = {}, timeoutSeconds = 5 }) {
  const args = [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, `--timeout`, `${timeoutSeconds}s`, '--latency'];
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}: ${value}`);
  args.push(url);
  const child = startChild('wrk', 'wrk', args);
  const lines = [];
  child.onLine((line) => lines.push(line));
  const killer = setTimeout(() => child.kill('SIGKILL'), (seconds + timeoutSeconds + 15) * 1000);
  const { code, signal } = await child.exited;
  clearTimeout(killer);
  // Let readline flush the last lines.
  await new Promise((r) => setImmediate(r));
  const raw = lines.join('\n');
  if (code !== 0) throw new Error(`wrk failed (code ${code}, signal ${signal}):\n${raw}`);
  return { ...parseWrk(raw), raw, args };
}

const UNIT_MS = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(text) {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!m) throw new Error(`wrk: unreadable duration "${text}"`);
  return Number(m[1]) * UNIT_MS[m[2]];
}

export function parseWrk(raw) {
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(raw);
  const p50 = /^\s+50%\s+(\S+)/m.exec(raw);
  const p99 = /^\s+99%\s+(\S+)/m.exec(raw);
  const total = /(\d+) requests in ([\d.]+\w+)/.exec(raw);
  if (!rps || !p99 || !p50 || !total) throw new Error(`wrk: unreadable report:\n${raw}`);
  // wrk counts every status >= 400 under this line (its wording says "Non-2xx or 3xx").
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(raw)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const socketErrors = sock ? { connect: +sock[1], read: +sock[2], write: +sock[3], timeout: +sock[4] } : { connect: 0, read: 0, write: 0, timeout: 0 };
  return {
    rps: Number(rps[1]),
    p50Ms: durationMs(p50[1]),
    p99Ms: durationMs(p99[1]),
    requests: Number(total[1]),
    non2xx,
    socketErrors,
    socketErrorCount: socketErrors.connect + socketErrors.read + socketErrors.write + socketErrors.timeout,
  };
}
