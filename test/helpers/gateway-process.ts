import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'bin/tollgate.js');
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** An admin API answer as tests read it: whatever JSON the gateway sent, read field by field. */
// biome-ignore lint/suspicious/noExplicitAny: tests read many shapes of answers; each test asserts the fields it reads.
export type AdminAnswer = any;

export interface GatewayProcess extends LoggedProcess {
  url: string;
  adminUrl: string;
  stateDir: string;
  admin(method: string, route: string, body?: unknown, token?: string): Promise<{ status: number; body: AdminAnswer }>;
  applyState(state: unknown): Promise<{ status: number; body: AdminAnswer }>;
}

export interface GatewayProcessOptions {
  args?: string[];
  stateDir?: string;
  env?: Record<string, string>;
}

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface LoggedProcess {
  child: ChildProcess;
  logs: Record<string, unknown>[];
  output(): string;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Spawns the CLI with JSON logs on stdout, collecting them for assertions. */
export function spawnCli(args: string[], env: Record<string, string> = {}): LoggedProcess {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, TOLLGATE_ADMIN_TOKEN: ADMIN_TOKEN, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: Record<string, unknown>[] = [];
  let raw = '';
  let pending = '';
  const waiters: {
    predicate: (l: Record<string, unknown>) => boolean;
    resolve: (l: Record<string, unknown>) => void;
  }[] = [];
  const onLine = (line: string) => {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    logs.push(parsed);
    for (const w of [...waiters]) {
      if (w.predicate(parsed)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(parsed);
      }
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(onLine);
  });
  child.stderr!.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  const waitForLog = (predicate: (l: Record<string, unknown>) => boolean, timeoutMs = 10_000) => {
    const found = logs.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for a log line; output so far:\n${raw.slice(-3000)}`)),
        timeoutMs,
      );
      waiters.push({ predicate, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`process exited with ${code}; output:\n${raw.slice(-3000)}`));
      });
    });
  };
  return {
    child,
    logs,
    output: () => raw,
    waitForLog,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Starts `tollgate gateway` as a real process on ports chosen by the OS. */
export async function startGatewayProcess(options: GatewayProcessOptions = {}): Promise<GatewayProcess> {
  const stateDir = options.stateDir ?? (await mkdtemp(path.join(tmpdir(), 'tollgate-gw-')));
  const proc = spawnCli(
    [
      'gateway',
      '--listen',
      '127.0.0.1:0',
      '--admin-listen',
      '127.0.0.1:0',
      '--state-dir',
      stateDir,
      ...(options.args ?? []),
    ],
    options.env,
  );
  const { child, logs, output, waitForLog } = proc;
  const listening = await waitForLog((l) => l.msg === 'gateway listening');
  const adminUrl = String(listening.adminUrl);
  const admin = async (method: string, route: string, body?: unknown, token = ADMIN_TOKEN) => {
    const res = await fetch(adminUrl + route, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* plain text (metrics) */
    }
    return { status: res.status, body: parsed as AdminAnswer };
  };
  return {
    url: String(listening.url),
    adminUrl,
    stateDir,
    child,
    logs,
    output,
    admin,
    applyState: async (state) => {
      const current = await admin('GET', '/state');
      return admin('POST', '/transactions', { expectedRevision: current.body.revision, state });
    },
    waitForLog,
    stop: proc.stop,
  };
}
