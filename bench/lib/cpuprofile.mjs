// Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function and per package/file.
// Usage as a script: node bench/lib/cpuprofile.mjs <file.cpuprofile> [top]
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from './targets.mjs';

/** Where a frame's code lives: tollgate's own file, a package, node internals, or a V8 pseudo-frame. */
function where(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return url;
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const nm = file.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = file.slice(nm + 'node_modules/'.length).split('/');
    const pkg = rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `${pkg}/${rest.slice(rest[0].startsWith('@') ? 2 : 1).join('/')}`;
  }
  return path.relative(ROOT, file);
}

function packageOf(location) {
  if (location.startsWith('dist/')) return `tollgate ${location.split('/').slice(0, 3).join('/')}`;
  if (location.startsWith('node:') || location.startsWith('(')) return location.split('/')[0];
  return location.split('/')[0].startsWith('@') ? location.split('/').slice(0, 2).join('/') : location.split('/')[0];
}

export async function summarizeProfile(file, top = 25) {
  const profile = JSON.parse(await readFile(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  let total = 0;
  let idle = 0;
  const functions = new Map();
  const packages = new Map();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    const { functionName, url, lineNumber } = node.callFrame;
    total += us;
    if (functionName === '(idle)') {
      idle += us;
      continue;
    }
    const location = where(url);
    const key = `${functionName || '(anonymous)'}  ${location}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const pkg = packageOf(location);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  // Inclusive (total) time: a sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const keyOf = (node) => {
    const { functionName, url, lineNumber } = node.callFrame;
    return `${functionName || '(anonymous)'}  ${where(url)}${url ? `:${lineNumber + 1}` : ''}`;
  };
  const inclusive = new Map();
  for (const [id, us] of selfUs) {
    if (byId.get(id).callFrame.functionName === '(idle)') continue;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = keyOf(byId.get(at));
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  // Every frame but the root and the event loop's generic dispatchers, which contain everything.
  const GENERIC =
    /^(\(root\)|processTicksAndRejections|processImmediate|listOnTimeout|processTimers|emit|onceWrapper|runMicrotasks|parserOnHeadersComplete|parserOnIncoming|onStreamRead|emitReadable_|endReadableNT) /;
  const ownInclusive = new Map([...inclusive].filter(([key]) => !GENERIC.test(key)));
  const busy = total - idle;
  const rank = (map) =>
    [...map].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: us / 1000, pctBusy: (100 * us) / busy }));
  return {
    file,
    totalMs: total / 1000,
    idleMs: idle / 1000,
    busyMs: busy / 1000,
    functions: rank(functions).slice(0, top),
    packages: rank(packages).slice(0, top),
    inclusive: rank(ownInclusive).slice(0, top),
  };
}

export function formatProfileSummary(summary) {
  const lines = [
    `profile ${path.basename(summary.file)}: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.busyMs.toFixed(0)} ms busy (${((100 * summary.busyMs) / summary.totalMs).toFixed(0)}%), idle ${summary.idleMs.toFixed(0)} ms`,
  ];
  lines.push('', 'self time by function (% of busy time):');
  for (const f of summary.functions)
    lines.push(`  ${f.pctBusy.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
  lines.push('', 'total (inclusive) time by function, event-loop dispatchers left out (% of busy time):');
  for (const f of summary.inclusive)
    lines.push(`  ${f.pctBusy.toFixed(1).padStart(5)}%  ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
  lines.push('', 'self time by package / tollgate directory:');
  for (const p of summary.packages)
    lines.push(`  ${p.pctBusy.toFixed(1).padStart(5)}%  ${p.ms.toFixed(0).padStart(6)} ms  ${p.name}`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node bench/lib/cpuprofile.mjs <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfileSummary(await summarizeProfile(file, Number(process.argv[3] ?? 25))));
}
