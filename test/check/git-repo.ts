import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A real git repository in a temp dir, driven with the git CLI. */
export class GitRepo {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'tollgate-check-'));

  constructor() {
    this.git('init', '-q', '-b', 'main');
    this.git('config', 'user.email', 'reviewer@example.com');
    this.git('config', 'user.name', 'Reviewer');
    this.git('config', 'commit.gpgsign', 'false');
  }

  git(...args: string[]): string {
    return execFileSync('git', args, { cwd: this.dir, encoding: 'utf8' });
  }

  write(files: Record<string, string>): this {
    for (const [file, text] of Object.entries(files)) {
      const full = path.join(this.dir, file);
      mkdirSync(path.dirname(full), { recursive: true });
      writeFileSync(full, text);
    }
    return this;
  }

  read(file: string): string {
    return readFileSync(path.join(this.dir, file), 'utf8');
  }

  /** Edits a file with string replacements; each `from` must be there. */
  edit(file: string, ...replacements: [string, string][]): this {
    let text = this.read(file);
    for (const [from, to] of replacements) {
      if (!text.includes(from)) throw new Error(`${file} has no ${JSON.stringify(from)}`);
      text = text.replace(from, to);
    }
    return this.write({ [file]: text });
  }

  remove(file: string): this {
    this.git('rm', '-q', file);
    return this;
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '-m', message);
    return this.git('rev-parse', 'HEAD').trim();
  }

  /** A branch from `from` with one commit made by `change`; the working tree is back on `from` afterwards. */
  branch(name: string, change: (repo: this) => void, from = 'main'): this {
    this.git('checkout', '-q', '-b', name, from);
    change(this);
    this.commit(name);
    this.git('checkout', '-q', from);
    return this;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** 1-based line and column of the first occurrence of `needle` in `text` (after `after`, when given). */
export function positionOf(text: string, needle: string, after?: string): { line: number; col: number } {
  const start = after === undefined ? 0 : text.indexOf(after);
  if (start === -1) throw new Error(`no ${JSON.stringify(after)}`);
  const offset = text.indexOf(needle, start);
  if (offset === -1) throw new Error(`no ${JSON.stringify(needle)}`);
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: (before.at(-1) as string).length + 1 };
}
