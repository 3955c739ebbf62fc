import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/gateway-process.js';

const SRC = path.join(ROOT, 'src');
const POLICIES = path.join(SRC, 'policies');
const GATEWAY = path.join(SRC, 'gateway');

/** Every module specifier of a file: static imports and re-exports (types included) and dynamic imports of literals. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]/g))
    found.push(m[1] as string);
  for (const m of text.matchAll(/(?:^|[\s;])import\s*['"]([^'"]+)['"]/g)) found.push(m[1] as string);
  for (const m of text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1] as string);
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

/** Source files reachable from `start` through relative imports, each with the chain of files that leads to it. */
function reachable(start: readonly string[]): Map<string, string[]> {
  const seen = new Map<string, string[]>(start.map((f) => [f, [f]]));
  const queue = [...start];
  while (queue.length) {
    const file = queue.shift() as string;
    for (const spec of specifiers(file)) {
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (seen.has(target)) continue;
      seen.set(target, [...(seen.get(file) as string[]), target]);
      queue.push(target);
    }
  }
  return seen;
}

describe('the policy SDK boundary', () => {
  // DESIGN.md: "The contract between the chain and the policies is the policies' own SDK, owned by src/policies, which imports nothing from src/gateway."
  it('nothing under src/policies imports from src/gateway, directly or through another module', () => {
    const crossings = [...reachable(filesUnder(POLICIES))]
      .filter(([file]) => file.startsWith(GATEWAY + path.sep))
      .map(([, chain]) => chain.map((f) => path.relative(ROOT, f)).join(' → '));
    expect(crossings).toEqual([]);
  });

  it('the scan sees imports of every form (it would catch a crossing)', () => {
    const gatewayFiles = reachable([path.join(SRC, 'gateway/chain/compile.ts')]);
    expect([...gatewayFiles.keys()].some((f) => f.startsWith(POLICIES + path.sep))).toBe(true);
    expect(specifiers(path.join(SRC, 'gateway/chain/types.ts'))).toEqual(['../../policies/sdk/index.js']);
  });
});
