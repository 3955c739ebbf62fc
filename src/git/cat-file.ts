import { spawn } from 'node:child_process';
import { TollgateError } from '../errors/catalog.js';
import type { Repository } from './repository.js';

/**
 * Reads many objects in one `git cat-file --batch` process: blob ids, or
 * `<commit>:<path>` names. Missing objects map to undefined. simple-git cannot
 * feed a command's stdin, hence the plain child process.
 */
export function readObjects(repo: Repository, names: readonly string[]): Promise<Map<string, Buffer | undefined>> {
  const result = new Map<string, Buffer | undefined>();
  if (names.length === 0) return Promise.resolve(result);
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], { cwd: repo.root, stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (err) => reject(new TollgateError('TG_GIT', `cannot run git cat-file: ${err.message}`)));
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new TollgateError('TG_GIT', `git cat-file failed (exit ${code}): ${stderr.trim()}`));
      try {
        parseBatch(Buffer.concat(chunks), names, result);
        resolve(result);
      } catch (err) {
        reject(err);
      }
    });
    child.stdin.end(names.map((n) => `${n}\n`).join(''));
  });
}

/** Output per object: "<oid> <type> <size>\n<content>\n", or "<name> missing\n". */
function parseBatch(out: Buffer, names: readonly string[], into: Map<string, Buffer | undefined>): void {
  let offset = 0;
  for (const name of names) {
    const newline = out.indexOf(0x0a, offset);
    if (newline === -1) throw new TollgateError('TG_GIT', `git cat-file stopped before ${name}`);
    const header = out.toString('utf8', offset, newline);
    offset = newline + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      into.set(name, undefined);
      continue;
    }
    const size = Number(header.slice(header.lastIndexOf(' ') + 1));
    into.set(name, out.subarray(offset, offset + size));
    offset += size + 1;
  }
}
