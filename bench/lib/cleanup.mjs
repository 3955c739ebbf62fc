// Process-wide cleanup: every child process and tmp dir a benchmark creates is registered
// here and removed on normal exit, on an uncaught error and on SIGINT/SIGTERM.
import { rmSync } from 'node:fs';

const children = new Set();
const dirs = new Set();
let installed = false;

export function trackChild(child) {
  install();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

export function trackDir(dir) {
  install();
  dirs.add(dir);
  return dir;
}

export function untrackDir(dir) {
  dirs.delete(dir);
}

/** Synchronous: usable from process.on('exit'). Kills what is still running (its whole group), removes dirs. */
export function cleanupNow() {
  for (const child of children) {
    try {
      // Children run in their own process group (detached), so helpers they spawned (nginx workers) go too.
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
  children.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

function install() {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`\nbench: ${signal}: cleaning up`);
      cleanupNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    console.error(err);
    cleanupNow();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    console.error(err);
    cleanupNow();
    process.exit(1);
  });
}
