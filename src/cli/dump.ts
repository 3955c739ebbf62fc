import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { stateToManifests } from '../dump/to-manifests.js';
import { loadManifests } from '../manifest/load.js';
import { AdminClient } from '../reconcile/admin-client.js';
import { environmentNodes } from '../reconcile/environment-nodes.js';
import type { CommandResult } from './result.js';

interface DumpFlags {
  env: string;
  node?: string;
  out?: string;
  secretsAsRefs: boolean;
}

export function dumpCommand(run: (result: Promise<CommandResult>) => void): Command {
  return new Command('dump')
    .description("Write a node's live state as manifests (validate accepts them; applied back they plan zero changes).")
    .argument('[paths...]', 'manifests that define the environment and its nodes', ['.'])
    .requiredOption('-e, --env <name>', 'environment to dump')
    .option('--node <name>', 'node to read (default: the first that answers)')
    .option('--out <dir>', 'write environment.yaml, apis/<name>.yaml and applications.yaml here (default: stdout)')
    .option('--secrets-as-refs', 'write ${env:NAME} references instead of the stored salted hashes', false)
    .addHelpText('after', '\nSecrets are never written: credentials come out as the salted hashes the gateway stores (or as references).\n\nExamples:\n  $ tollgate dump --env production --out live/ examples/multi-env\n  $ tollgate dump --env sandbox --secrets-as-refs . > sandbox.yaml')
    .action((paths: string[], flags: DumpFlags) => run(runDump(paths, flags)));
}

async function runDump(paths: string[], flags: DumpFlags): Promise<CommandResult> {
  const loaded = await loadManifests(paths);
  const { nodes, missing, problems, unknown } = environmentNodes(loaded.manifests, flags.env);
  if (problems.length) return { stderr: `error TG_TLS_KEY: the admin TLS material of these nodes cannot be read: ${problems.join('; ')}\n`, exitCode: 1 };
  if (unknown) return { stderr: `error TG_UNKNOWN_ENV_FILTER: environment "${flags.env}" is not defined in ${paths.join(', ')}\n`, exitCode: 1 };
  // Nodes often share one token variable: name each once.
  if (missing.length) return { stderr: `error TG_SECRET_UNRESOLVED: set ${[...new Set(missing)].join(', ')} (admin tokens of the nodes)\n`, exitCode: 1 };
  const candidates = flags.node ? nodes.filter((n) => n.name === flags.node) : nodes;
  if (candidates.length === 0) return { stderr: `error TG_NO_NODES: no node ${flags.node ?? ''} in environment "${flags.env}"\n`, exitCode: 1 };
  const errors: string[] = [];
  for (const node of candidates) {
    let view;
    try {
      view = await new AdminClient(node).getState();
    } catch (err) {
      errors.push((err as Error).message);
      continue;
    }
    if (!view.state) return { stderr: `error: node ${node.name} holds no state yet\n`, exitCode: 1 };
    const spec = loaded.manifests.environments.find((e) => e.name === flags.env)?.spec.nodes ?? [];
    const dumped = stateToManifests(view.state, { nodes: spec, secretsAsRefs: flags.secretsAsRefs });
    const note = dumped.variables.length ? `the dump references these environment variables: ${dumped.variables.join(', ')}\n` : '';
    if (!flags.out) return { stdout: [...dumped.files.values()].join('---\n'), stderr: `dumped node ${node.name} at revision ${view.revision}\n${note}`, exitCode: 0 };
    for (const [file, text] of dumped.files) {
      const target = path.join(flags.out, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, text);
    }
    return { stdout: `dumped node ${node.name} at revision ${view.revision} into ${flags.out} (${dumped.files.size} files)\n${note}`, exitCode: 0 };
  }
  return { stderr: errors.map((e) => `error: ${e}`).join('\n') + '\n', exitCode: 1 };
}
