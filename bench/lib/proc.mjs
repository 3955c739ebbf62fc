// Starting and stopping the benchmark's child processes.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { trackChild } from './cleanup.mjs';

/**
 * Spawns a child in its own process group (so stopChild reaches its helpers too), keeps the
 * last lines of its output for error messages, and registers it for cleanup at exit.
 */
export function startChild(name, command, args, { env, cwd, onLine } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackChild(child);
  child.benchName = name;
  child.tail = [];
  // JSON log lines at warn level or above (pino: 40 warn, 50 error, 60 fatal), kept apart from the tail.
  child.warnings = [];
  const listeners = new Set();
  if (onLine) listeners.add(onLine);
  child.onLine = (fn) => {
    listeners.add(fn);
    return () => listeners.delete(fn);
  };
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      child.tail.push(line);
      if (child.tail.length > 40) child.tail.shift();
      if (/^\{.*"level":[456]\d\b/.test(line) && child.warnings.length < 200) child.warnings.push(line);
      for (const fn of listeners) fn(line);
    });
  }
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

/** Resolves with the first value `match(line)` returns that is not undefined; rejects on exit or timeout. */
export function waitForLine(child, match, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    let off = () => {};
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${child.benchName}: no expected output within ${timeoutMs} ms\n${child.tail.join('\n')}`));
    }, timeoutMs);
    off = child.onLine((line) => {
      const value = match(line);
      if (value === undefined) return;
      clearTimeout(timer);
      off();
      resolve(value);
    });
    child.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      off();
      reject(
        new Error(
          `${child.benchName} exited (code ${code}, signal ${signal}) before it was ready\n${child.tail.join('\n')}`,
        ),
      );
    });
  });
}

/** A JSON log line with this msg, parsed; undefined for other lines. */
export function jsonLine(msg) {
  return (line) => {
    if (!line.startsWith('{')) return undefined;
    try {
      const value = JSON.parse(line);
      return value.msg === msg ? value : undefined;
    } catch {
      return undefined;
    }
  };
}

/** SIGTERM to the child's process group, SIGKILL after graceMs; resolves once it exited. */
export async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
  // Helpers of the group (nginx workers) may outlive the leader by a moment.
  signalGroup('SIGKILL');
}

/** A loopback port that was free a moment ago (for servers that cannot report a port-0 bind, e.g. nginx). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls until fn() resolves truthy, or throws after timeoutMs. */
export async function until(what, fn, timeoutMs = 15_000, intervalMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await fn();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

/** The child's first JSON log lines at warn level or above, for error messages. */
export function recentWarnings(child, max = 10) {
  const lines = child.warnings;
  return lines.length > max ? [...lines.slice(0, max), `... and ${lines.length - max} more`] : lines;
}
